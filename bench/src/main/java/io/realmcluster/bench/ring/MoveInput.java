package io.realmcluster.bench.ring;

/** One movement input as a heap object: what a naive engine allocates per message for an object queue. */
public record MoveInput(long entityId, int sequence, float x, float y, float z, float orientation, int flags) {}
