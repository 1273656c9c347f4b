package io.realmcluster.bench.ring;

/** What the map's tick thread does with each movement input it drains: the same call for every queue. */
public interface MoveSink {
    void onMove(long entityId, int sequence, float x, float y, float z, float orientation, int flags);
}
