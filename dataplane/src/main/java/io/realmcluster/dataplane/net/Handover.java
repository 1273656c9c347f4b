package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.Arrays;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The frame body that tells a session's client to stand by at the node its map moves to (STANDBY: open a second
 * connection there and wait to be let in), with a token this node signs with its own standby key. The target cannot
 * check that key on its own: it checks the token with the key the character's transfer offer carries, so the token
 * lets in nobody but the client of the character this node hands over. A session's event loop, once its character is
 * claimed; hand-overs are rare, so this allocates.
 */
final class Handover {
    /** How long a standby token is good for (a login's, by default). */
    private static final long TOKEN_MILLIS = 60_000;

    private final TokenSigner standbyKey;
    private final EpochClock clock;

    Handover(final TokenSigner standbyKey, final EpochClock clock) {
        this.standbyKey = standbyKey;
        this.clock = clock;
    }

    /** A STANDBY at {@code target}, where the instance {@code instanceId} moves with its players. */
    byte[] standby(final ClaimedCharacter character, final NodeDescriptor target, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final byte[] token = SessionToken.issue(
                standbyKey,
                new SessionToken.Claims(
                        character.accountId(),
                        character.characterId(),
                        character.realm(),
                        target.getNodeId(),
                        instanceId,
                        character.epoch(),
                        clock.time() + TOKEN_MILLIS));
        final int length = ServerMessages.standby(
                frame, 0, target.getClient().getHost(), target.getClient().getPort(), token, instanceId);
        return Arrays.copyOf(frame.byteArray(), length);
    }
}
