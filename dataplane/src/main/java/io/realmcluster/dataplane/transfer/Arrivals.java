package io.realmcluster.dataplane.transfer;

import io.realmcluster.dataplane.store.ClaimedCharacter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Characters this node claimed in a transfer and whose clients have not arrived yet: the claim
 * (so the client's HELLO needs no second one) and where each enters (a portal's far side). Taken
 * once by the client's HELLO (or by its connection standing by here already); one whose client
 * never comes is handed back by {@link #expire}.
 */
public final class Arrivals {
    /** Bucket bounds (seconds) of the histograms of a transfer's time: a tick of 50 ms is 0.05. */
    public static final double[] BUCKET_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10
    };

    /**
     * A transferred character: its claim here, where it enters its map, the source's public key (X.509) that
     * signed the STANDBY token its client may wait here with (empty when it sent none), its side in a battleground
     * (0 elsewhere), and the transfer's id (empty when not known).
     */
    public record Arrival(
            ClaimedCharacter claim,
            String instanceId,
            float x,
            float y,
            float z,
            float orientation,
            long expiresAtMillis,
            long frozenAtMillis,
            byte[] standbyKey,
            byte team,
            String transferId) {
        /** An arrival outside a battleground, of a transfer whose id is not known: its side, if it ever needs one, is its race's. */
        public Arrival(
                final ClaimedCharacter claim,
                final String instanceId,
                final float x,
                final float y,
                final float z,
                final float orientation,
                final long expiresAtMillis,
                final long frozenAtMillis,
                final byte[] standbyKey) {
            this(claim, instanceId, x, y, z, orientation, expiresAtMillis, frozenAtMillis, standbyKey, (byte) 0, "");
        }
    }

    /** How long a transfer whose client came is remembered: longer than any offer of it is retried. */
    static final long TAKEN_KEPT_MILLIS = 10 * 60_000L;

    private final ConcurrentHashMap<Long, Arrival> byCharacter = new ConcurrentHashMap<>();
    /**
     * The transfer each character last arrived by, and until when that is remembered: an offer of it again (its
     * source retried an offer whose answer it lost) must not expect the client a second time, or the arrival nobody
     * takes would expire and give back a character that plays here.
     */
    private final ConcurrentHashMap<Long, Taken> taken = new ConcurrentHashMap<>();

    private volatile LongConsumer onExpected = characterId -> {};

    private record Taken(String transferId, long untilMillis) {}

    /** Who hears of each arrival expected (a client standing by for it may take it at once); must return at once. */
    public void onExpected(final LongConsumer listener) {
        onExpected = listener;
    }

    /**
     * Expect the client of {@code arrival}; false, and nothing changes, when its client came already (the same
     * transfer offered again: the character plays here on that claim).
     */
    public boolean expect(final Arrival arrival) {
        final Taken came = taken.get(arrival.claim().key());
        if (came != null && !arrival.transferId().isEmpty() && came.transferId().equals(arrival.transferId())) {
            return false;
        }
        byCharacter.put(arrival.claim().key(), arrival);
        onExpected.accept(arrival.claim().key());
        return true;
    }

    /** The arrival of the character {@code key} names ({@link io.realmcluster.dataplane.store.CharacterKey}), removed; null when none is expected or it expired. */
    public Arrival take(final long key, final long nowMillis) {
        return take(peek(key, nowMillis));
    }

    /** The arrival of the character {@code key} names ({@link io.realmcluster.dataplane.store.CharacterKey}), left in place; null when none is expected or it expired. */
    public Arrival peek(final long key, final long nowMillis) {
        final Arrival arrival = byCharacter.get(key);
        return arrival == null || arrival.expiresAtMillis() < nowMillis ? null : arrival;
    }

    /** {@code arrival} (from {@link #peek}), removed; null when another took it meanwhile. */
    public Arrival take(final Arrival arrival) {
        if (arrival == null || !byCharacter.remove(arrival.claim().key(), arrival)) {
            return null;
        }
        if (!arrival.transferId().isEmpty()) {
            taken.put(
                    arrival.claim().key(),
                    new Taken(arrival.transferId(), arrival.expiresAtMillis() + TAKEN_KEPT_MILLIS));
        }
        return arrival;
    }

    /** Remove and return the arrivals whose clients did not come in time: their claims are to be given back. */
    public List<Arrival> expire(final long nowMillis) {
        taken.values().removeIf(came -> came.untilMillis() < nowMillis);
        final List<Arrival> expired = new ArrayList<>();
        for (final Arrival arrival : byCharacter.values()) {
            if (arrival.expiresAtMillis() < nowMillis
                    && byCharacter.remove(arrival.claim().key(), arrival)) {
                expired.add(arrival);
            }
        }
        return expired;
    }

    /** Whether a client is still on its way to {@code instanceId}. */
    public boolean expects(final String instanceId) {
        for (final Arrival arrival : byCharacter.values()) {
            if (arrival.instanceId().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    public int waiting() {
        return byCharacter.size();
    }
}
