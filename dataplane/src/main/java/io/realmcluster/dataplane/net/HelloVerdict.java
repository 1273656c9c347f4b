package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

/**
 * What a HELLO (or a STANDBY_HELLO) says of its client: the claims of a good token, or why the session is
 * refused, a DISCONNECT's reason and text; {@code token} is the token as shown. Made once a connection, on its
 * event loop.
 */
record HelloVerdict(SessionToken.Claims claims, byte[] token, DisconnectReason refusal, String text) {

    /**
     * Check the protocol {@code version} and the token at {@code offset} in {@code token}, for {@code nodeId}, and use
     * it up. A {@code standby} token is signed by the node the character comes from: its signature is checked, and it is
     * used up, when its transfer arrives (see {@link TokenVerifier#previewStandby}).
     */
    static HelloVerdict check(
            final int version,
            final DirectBuffer token,
            final int offset,
            final int length,
            final boolean standby,
            final TokenVerifier tokens,
            final String nodeId,
            final EpochClock clock,
            final ClientMetrics metrics) {
        if (version != ClientProtocol.VERSION) {
            metrics.rejected(FrameError.WRONG_VERSION);
            return refused(
                    DisconnectReason.VERSION_MISMATCH,
                    "this node speaks protocol version " + ClientProtocol.VERSION + ", not " + version);
        }
        final byte[] presented = new byte[length];
        token.getBytes(offset, presented);
        final SessionToken.Verdict verdict = standby
                ? tokens.previewStandby(presented, nodeId, clock.time())
                : tokens.admit(presented, nodeId, clock.time());
        if (verdict.valid()) {
            return new HelloVerdict(verdict.claims(), presented, null, null);
        }
        return switch (verdict.failure()) {
            case EXPIRED -> refused(DisconnectReason.EXPIRED_TOKEN, "session token expired; log in again");
            case WRONG_NODE -> refused(DisconnectReason.WRONG_NODE, "session token is for another node");
            case REPLAYED -> refused(DisconnectReason.TOKEN_REPLAYED, "session token already used; log in again");
            case TOO_MANY_TOKENS ->
                refused(DisconnectReason.MAP_FULL, "this node takes no more logins for a moment; try again shortly");
            default -> refused(DisconnectReason.BAD_TOKEN, "session token refused");
        };
    }

    private static HelloVerdict refused(final DisconnectReason reason, final String text) {
        return new HelloVerdict(null, null, reason, text);
    }

    boolean admitted() {
        return claims != null;
    }
}
