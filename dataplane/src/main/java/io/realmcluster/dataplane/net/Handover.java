package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.Arrays;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame bodies that send a session's client on to another node with a token for it: REDIRECT (go there
 * now) and STANDBY (open a second connection there and wait to be let in). A session's event loop, once its
 * character is claimed; hand-overs are rare, so these allocate.
 */
final class Handover {
    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);
    /** How long a token this node gives a player it sends to another node is good for (a login's, by default). */
    private static final long TOKEN_MILLIS = 60_000;

    private final SessionToken tokens;
    private final EpochClock clock;

    Handover(final SessionToken tokens, final EpochClock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A REDIRECT to {@code target}, where the instance {@code instanceId} takes {@code character} now. */
    byte[] redirect(final ClaimedCharacter character, final NodeDescriptor target, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.redirect(
                frame,
                0,
                target.getClient().getHost(),
                target.getClient().getPort(),
                tokenFor(character, target),
                instanceId);
        LOG.info(
                "character {} sent to node {}, where map instance {} takes its players now",
                character.characterId(),
                target.getNodeId(),
                instanceId);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /** A STANDBY at {@code target}, where the instance {@code instanceId} moves with its players. */
    byte[] standby(final ClaimedCharacter character, final NodeDescriptor target, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.standby(
                frame,
                0,
                target.getClient().getHost(),
                target.getClient().getPort(),
                tokenFor(character, target),
                instanceId);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    private byte[] tokenFor(final ClaimedCharacter character, final NodeDescriptor target) {
        return tokens.issue(new SessionToken.Claims(
                character.accountId(),
                character.characterId(),
                character.realm(),
                target.getNodeId(),
                clock.time() + TOKEN_MILLIS));
    }
}
