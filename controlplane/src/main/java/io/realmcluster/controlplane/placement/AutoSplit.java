package io.realmcluster.controlplane.placement;

import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.world.Cells;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The control plane's own layout of each continent (--auto-split): a whole continent whose players pass
 * {@code splitShare} of what its node carries splits into as many cells as keep each under half a node (at most one
 * per continent node that could take a cell, and {@link Cells#MAX_CELLS}); a continent it split merges back once its
 * players, all cells together, are under {@code mergeShare} of the smallest of its nodes, and it has run split for
 * {@code dwell} at least. The gap between the shares and the dwell keep a continent near the line from flapping. An
 * operator's layout (realmctl split or merge) it leaves alone until it splits that continent itself.
 *
 * @param splitShare the share of its node's capacity past which a whole continent splits (e.g. 0.8)
 * @param mergeShare the share of the smallest cell node's capacity under which the cells merge (e.g. 0.3)
 * @param dwell      the least time a continent split automatically runs split before it may merge
 */
public record AutoSplit(double splitShare, double mergeShare, Duration dwell) {
    /** The defaults of --auto-split: split past 80% of a node, merge under 30%, not within 5 minutes. */
    public static final AutoSplit DEFAULT = new AutoSplit(0.8, 0.3, Duration.ofMinutes(5));

    public AutoSplit {
        if (!(splitShare > 0 && splitShare <= 1 && mergeShare >= 0 && mergeShare < splitShare / 2)) {
            throw new IllegalArgumentException("auto-split needs 0 < split share <= 1 and a merge share under half of "
                    + "it (no continent may merge into more than a split one carries), got " + splitShare + " and "
                    + mergeShare);
        }
    }

    /** What to do about continent {@code continentId}'s layout in {@code state} at {@code nowMillis}: null for nothing. */
    PlacementAction decide(
            final ClusterState state, final String realm, final String continentId, final long nowMillis) {
        final int cells = state.cells(continentId);
        final MapInstance whole = state.instances().get(continentId);
        final List<MapInstance> running = state.cellsOf(continentId);
        if (cells == 1) {
            if (whole == null
                    || whole.hasMove()
                    || state.observed(whole).getState() != InstanceState.INSTANCE_STATE_ACTIVE
                    || !running.isEmpty()) {
                return null; // placed, merging or moving: decided once it runs whole and still
            }
            final NodeStatus node = state.nodes().get(whole.getNodeId());
            final int capacity = node == null ? 0 : node.getNode().getCapacityPlayers();
            final int players = state.reportedPlayers(whole);
            if (capacity <= 0 || players <= splitShare * capacity) {
                return null;
            }
            final long nodes = state.nodes().values().stream()
                    .filter(n -> PlacementPolicy.schedulable(state, n, "continent"))
                    .filter(n -> PlacementPolicy.holds(n, List.of(realm)))
                    .count();
            final int wanted = (int) Math.min(
                    Math.min(nodes, Cells.MAX_CELLS), Math.max(2, (long) Math.ceil(players / (capacity / 2.0))));
            if (wanted < 2) {
                return new PlacementAction.Stuck(
                        continentId,
                        String.format(
                                Locale.ROOT,
                                "continent %s has %d players on %s (capacity %d) and would split, but no second "
                                        + "continent node holds realm %s",
                                continentId,
                                players,
                                whole.getNodeId(),
                                capacity,
                                realm));
            }
            return new PlacementAction.SetLayout(
                    continentId,
                    wanted,
                    String.format(
                            Locale.ROOT,
                            "%d players on %s, past %.0f%% of its capacity %d",
                            players,
                            whole.getNodeId(),
                            splitShare * 100,
                            capacity));
        }
        if (!state.automaticLayout(continentId)
                || whole != null
                || running.size() != cells
                || running.stream()
                        .anyMatch(
                                c -> c.hasMove() || state.observed(c).getState() != InstanceState.INSTANCE_STATE_ACTIVE)
                || nowMillis - state.layoutRequestedAt(continentId) < dwell.toMillis()) {
            return null;
        }
        int players = 0;
        int smallest = Integer.MAX_VALUE;
        for (final MapInstance cell : running) {
            players += state.reportedPlayers(cell);
            final NodeStatus node = state.nodes().get(cell.getNodeId());
            smallest = Math.min(smallest, node == null ? 0 : node.getNode().getCapacityPlayers());
        }
        if (smallest <= 0 || players >= mergeShare * smallest) {
            return null;
        }
        return new PlacementAction.SetLayout(
                continentId,
                1,
                String.format(
                        Locale.ROOT,
                        "%d players in its %d cells, under %.0f%% of the smallest cell node's capacity %d",
                        players,
                        cells,
                        mergeShare * 100,
                        smallest));
    }
}
