package io.realmcluster.common.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's check of the tokens its clients show: signed by a key it knows (the control plane's current or
 * previous public key, or the node's own key), not expired, for this node, and never seen before.
 */
public final class TokenVerifier {
    /** The key of a standby token's first check: any signature, checked later against its source's key. */
    private static final TokenKey UNCHECKED = new TokenKey() {
        @Override
        public long id() {
            return 0;
        }

        @Override
        public boolean verifies(
                final byte[] data,
                final int length,
                final byte[] signature,
                final int signatureOffset,
                final int signatureLength) {
            return true;
        }
    };

    private final Map<Long, TokenKey> keys;
    private final UsedTokens used;

    /** Accepts tokens signed by {@code keys}, remembering their nonces in {@code used}. */
    public TokenVerifier(final List<TokenKey> keys, final UsedTokens used) {
        final Map<Long, TokenKey> byId = new HashMap<>();
        for (final TokenKey key : keys) {
            if (byId.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("two token keys with id " + TokenKey.hex(key.id()));
            }
        }
        this.keys = Map.copyOf(byId);
        this.used = used;
    }

    /**
     * The first check of a STANDBY token, which the node a character comes from signed with a key of its own:
     * everything but its signature, and it is not used up yet. The connection only waits for the character's
     * transfer, which brings the source's key: then {@link #admitStandby} checks and uses it up. Nothing is
     * remembered for a token that is never checked, so forged ones fill no memory.
     */
    public SessionToken.Verdict previewStandby(final byte[] token, final String nodeId, final long nowMillis) {
        return SessionToken.verify(token, id -> UNCHECKED, nodeId, nowMillis);
    }

    /** A STANDBY token checked with {@code sourceKey}, the key of the node its character came from, and used up. */
    public SessionToken.Verdict admitStandby(
            final byte[] token, final TokenKey sourceKey, final String nodeId, final long nowMillis) {
        if (sourceKey == null) {
            return SessionToken.Verdict.refused(SessionToken.Failure.UNKNOWN_KEY);
        }
        return use(
                SessionToken.verify(token, id -> id == sourceKey.id() ? sourceKey : null, nodeId, nowMillis),
                nowMillis);
    }

    /** Verify {@code token} for {@code nodeId} and, when it is good, use it up: a second time it is REPLAYED. */
    public SessionToken.Verdict admit(final byte[] token, final String nodeId, final long nowMillis) {
        return use(SessionToken.verify(token, keys::get, nodeId, nowMillis), nowMillis);
    }

    private SessionToken.Verdict use(final SessionToken.Verdict verdict, final long nowMillis) {
        if (!verdict.valid()) {
            return verdict;
        }
        final SessionToken.Failure unused = used.use(
                verdict.nonceHigh(), verdict.nonceLow(), verdict.claims().expiresAtMillis(), nowMillis);
        return unused == null ? verdict : SessionToken.Verdict.refused(unused);
    }
}
