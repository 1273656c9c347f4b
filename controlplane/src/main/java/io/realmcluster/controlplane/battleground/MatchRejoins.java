package io.realmcluster.controlplane.battleground;

import io.realmcluster.controlplane.login.CharacterRouter;
import io.realmcluster.controlplane.login.MatchReturns;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@link MatchReturns} from the match records in etcd, decided by the {@link DisconnectGrace}: a login
 * within the grace is routed into the match's instance on its node (while that node is registered);
 * any other goes home.
 */
public final class MatchRejoins implements MatchReturns {
    private final MatchStore matches;
    private final DisconnectGrace grace;
    private final LongSupplier clock;
    private final Function<String, NodeDescriptor> nodes;

    /** {@code nodes}: a registered node's descriptor by id, null when it is not registered; {@code clock}: wall ms. */
    public MatchRejoins(
            final MatchStore matches,
            final DisconnectGrace grace,
            final LongSupplier clock,
            final Function<String, NodeDescriptor> nodes) {
        this.matches = matches;
        this.grace = grace;
        this.clock = clock;
        this.nodes = nodes;
    }

    @Override
    public Return of(final String realm, final long characterId, final String matchId) {
        final var match = matches.match(matchId).map(MatchStore.Stored::value);
        final DisconnectGrace.AtLogin decision = grace.atLogin(match, realm, characterId, clock.getAsLong());
        if (decision instanceof DisconnectGrace.AtLogin.Home home) {
            return Return.home(home.deserterUntilMillis());
        }
        final NodeDescriptor node = nodes.apply(match.get().getNodeId());
        if (node == null) {
            // Its node is gone: the leader ends the match; the player goes home from its last save.
            return Return.home(0);
        }
        return new Return(
                new CharacterRouter.Route(
                        node.getNodeId(), node.getClient(), match.get().getInstanceId()),
                0);
    }
}
