package io.realmcluster.dataplane.transfer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Characters this node claimed in a transfer and whose clients have not entered yet: where each
 * arrives (a portal's far side). Taken once by the client's ENTER_WORLD; one that never comes is
 * forgotten when its token expires.
 */
public final class Arrivals {
    /** Where a transferred character enters its map. */
    public record Arrival(String instanceId, float x, float y, float z, float orientation, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<Long, Arrival> byCharacter = new ConcurrentHashMap<>();

    public void expect(final long characterId, final Arrival arrival) {
        byCharacter.put(characterId, arrival);
        if (byCharacter.size() > 1_000) {
            final long now = System.currentTimeMillis();
            byCharacter.values().removeIf(a -> a.expiresAtMillis() < now);
        }
    }

    /** The arrival of {@code characterId} into {@code instanceId}, removed; null when none is expected. */
    public Arrival take(final long characterId, final String instanceId, final long nowMillis) {
        final Arrival arrival = byCharacter.get(characterId);
        if (arrival == null || !arrival.instanceId().equals(instanceId) || arrival.expiresAtMillis() < nowMillis) {
            return null;
        }
        return byCharacter.remove(characterId, arrival) ? arrival : null;
    }
}
