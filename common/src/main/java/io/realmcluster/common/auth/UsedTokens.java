package io.realmcluster.common.auth;

import java.util.HashMap;
import java.util.PriorityQueue;

/**
 * The nonces of the tokens a node took, each until its token expires, so that a token works once. Bounded:
 * when {@code capacity} unexpired tokens are remembered, a new one is refused until old ones expire (tokens
 * live a minute or so) rather than the set growing without end. Synchronized: logins come on every event
 * loop, a handful a second each, never on a tick thread.
 */
public final class UsedTokens {
    /** What a node remembers by default: far more logins than a token's lifetime brings. */
    public static final int DEFAULT_CAPACITY = 100_000;

    /** One remembered token. */
    private record Nonce(long high, long low) {}

    private record Expiry(Nonce nonce, long expiresAtMillis) {}

    private final int capacity;
    private final HashMap<Nonce, Long> byNonce = new HashMap<>();
    private final PriorityQueue<Expiry> byExpiry =
            new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));

    public UsedTokens(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Remember a token's nonce until {@code expiresAtMillis}: null when it is new, else why it is refused
     * ({@link SessionToken.Failure#REPLAYED} or {@link SessionToken.Failure#TOO_MANY_TOKENS}).
     */
    public synchronized SessionToken.Failure use(
            final long nonceHigh, final long nonceLow, final long expiresAtMillis, final long nowMillis) {
        forgetExpired(nowMillis);
        final Nonce nonce = new Nonce(nonceHigh, nonceLow);
        if (byNonce.containsKey(nonce)) {
            return SessionToken.Failure.REPLAYED;
        }
        if (byNonce.size() >= capacity) {
            return SessionToken.Failure.TOO_MANY_TOKENS;
        }
        byNonce.put(nonce, expiresAtMillis);
        byExpiry.add(new Expiry(nonce, expiresAtMillis));
        return null;
    }

    /** Tokens remembered now. */
    public synchronized int size() {
        return byNonce.size();
    }

    private void forgetExpired(final long nowMillis) {
        // A token is refused as expired from its expiry on: its nonce need not be kept past it.
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis() <= nowMillis) {
            byNonce.remove(byExpiry.poll().nonce());
        }
    }
}
