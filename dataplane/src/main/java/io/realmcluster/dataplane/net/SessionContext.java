package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.world.InstanceHost;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * What every client session of a node shares. Tokens and transfers are dated by {@code epochClock} (other
 * nodes read those dates), rates by {@code nanoClock}, timeouts by the session's event loop, whose ticker a
 * test can drive. Battleground queue requests go to {@code queues}; accepted invites are planned in {@code trips}.
 */
record SessionContext(
        String nodeId,
        TokenVerifier tokens,
        InstanceHost instances,
        ClientSessions sessions,
        ClientMetrics metrics,
        EpochClock epochClock,
        NanoClock nanoClock,
        CharacterClaims claims,
        Handover handover,
        Arrivals arrivals,
        QueueDesk queues,
        BattlegroundTrips trips) {
    /** A context whose players' accepts lead nowhere the saver or the transfers hear of (tests of sessions alone). */
    SessionContext(
            final String nodeId,
            final TokenVerifier tokens,
            final InstanceHost instances,
            final ClientSessions sessions,
            final ClientMetrics metrics,
            final EpochClock epochClock,
            final NanoClock nanoClock,
            final CharacterClaims claims,
            final Handover handover,
            final Arrivals arrivals,
            final QueueDesk queues) {
        this(
                nodeId,
                tokens,
                instances,
                sessions,
                metrics,
                epochClock,
                nanoClock,
                claims,
                handover,
                arrivals,
                queues,
                new BattlegroundTrips());
    }
}
