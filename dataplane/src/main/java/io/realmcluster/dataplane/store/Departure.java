package io.realmcluster.dataplane.store;

import java.util.UUID;

/**
 * A character the saver froze for a transfer (saved IN_TRANSFER under {@code transferId} at
 * {@code epoch}): who it is, which map and client session it leaves, where it goes, and when it
 * stopped playing (wall clock, milliseconds).
 */
public record Departure(
        long characterId,
        long epoch,
        UUID transferId,
        int mapHandle,
        int session,
        int toMapId,
        float x,
        float y,
        float z,
        float orientation,
        long frozenAtMillis) {}
