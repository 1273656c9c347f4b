package io.realmcluster.dataplane.net;

import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * What every client session of a node shares. Tokens and transfers are dated by {@code epochClock} (other
 * nodes read those dates), rates by {@code nanoClock}, timeouts by the session's event loop, whose ticker a
 * test can drive. Battleground queue requests go to {@code queues}.
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
        QueueDesk queues) {}
