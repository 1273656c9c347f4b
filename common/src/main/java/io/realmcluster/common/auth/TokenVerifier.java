package io.realmcluster.common.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's check of the tokens its clients show: signed by a key it knows (the control plane's current or
 * previous public key, or the node's own key), not expired, for this node, and never seen before.
 */
public final class TokenVerifier {
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

    /** Verify {@code token} for {@code nodeId} and, when it is good, use it up: a second time it is REPLAYED. */
    public SessionToken.Verdict admit(final byte[] token, final String nodeId, final long nowMillis) {
        final SessionToken.Verdict verdict = SessionToken.verify(token, keys::get, nodeId, nowMillis);
        if (!verdict.valid()) {
            return verdict;
        }
        final SessionToken.Failure unused = used.use(
                verdict.nonceHigh(), verdict.nonceLow(), verdict.claims().expiresAtMillis(), nowMillis);
        return unused == null ? verdict : SessionToken.Verdict.refused(unused);
    }
}
