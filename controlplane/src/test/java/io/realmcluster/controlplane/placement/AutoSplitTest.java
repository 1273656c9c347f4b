package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.controlplane.placement.PlacementDecisionsTest.Cluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control plane's own split and merge of continents by their players (--auto-split). */
class AutoSplitTest {
    private static final long NOW = 1_000_000_000L;
    private final AutoSplit rule = AutoSplit.DEFAULT;

    @Test
    void aWholeContinentPastEightyPercentOfItsNodeSplitsIntoCellsOfHalfANodeAtMost() {
        final Cluster cluster = nodes(3).continent("main.0", 0, "n1").players("main.0", 1_400);
        assertThat(rule.decide(cluster.state(), "main", "main.0", NOW))
                .isEqualTo(new PlacementAction.SetLayout(
                        "main.0", 3, "1400 players on n1, past 80% of its capacity 1000"));
        final Cluster fewerNodes = nodes(2).continent("main.0", 0, "n1").players("main.0", 1_400);
        assertThat(rule.decide(fewerNodes.state(), "main", "main.0", NOW))
                .as("one cell per continent node at most")
                .isInstanceOfSatisfying(
                        PlacementAction.SetLayout.class,
                        layout -> assertThat(layout.cells()).isEqualTo(2));
    }

    @Test
    void aContinentUnderTheLineStaysWhole() {
        final Cluster cluster = nodes(2).continent("main.0", 0, "n1").players("main.0", 800);
        assertThat(rule.decide(cluster.state(), "main", "main.0", NOW)).isNull();
    }

    @Test
    void withOneContinentNodeThereIsNowhereToSplitToAndOperatorsAreTold() {
        final Cluster cluster = nodes(1).continent("main.0", 0, "n1").players("main.0", 900);
        assertThat(rule.decide(cluster.state(), "main", "main.0", NOW)).isInstanceOf(PlacementAction.Stuck.class);
    }

    @Test
    void aContinentItSplitMergesWhenQuietButNotBeforeItsDwell() {
        final Cluster quiet = split(NOW - Duration.ofMinutes(6).toMillis(), 100, 150);
        assertThat(rule.decide(quiet.state(), "main", "main.0", NOW))
                .isEqualTo(new PlacementAction.SetLayout(
                        "main.0",
                        1,
                        "250 players in its 2 cells, under 30% of the smallest cell node's capacity 1000"));
        final Cluster recent = split(NOW - Duration.ofMinutes(1).toMillis(), 100, 150);
        assertThat(rule.decide(recent.state(), "main", "main.0", NOW))
                .as("split a minute ago")
                .isNull();
        final Cluster busy = split(NOW - Duration.ofMinutes(6).toMillis(), 200, 150);
        assertThat(rule.decide(busy.state(), "main", "main.0", NOW)).isNull();
    }

    @Test
    void anOperatorsSplitIsLeftAlone() {
        final Cluster cluster = nodes(2).split("main.0", 2)
                .cell("main.0", 0, 2, "n1")
                .cell("main.0", 1, 2, "n2")
                .players("main.0.c0", 1)
                .players("main.0.c1", 1);
        assertThat(rule.decide(cluster.state(), "main", "main.0", NOW)).isNull();
    }

    @Test
    void placementDecidesTheLayoutWithItsOtherActions() {
        final Cluster cluster = nodes(2).continents("n1", "n2").players("main.0", 900);
        final List<PlacementAction> actions = new PlacementDecisions(
                        io.realmcluster.controlplane.catalog.MapCatalog.vanilla(List.of("main")),
                        Duration.ofMinutes(5),
                        false)
                .autoSplit(rule)
                .decide(cluster.state(), java.util.Map.of(), NOW);
        assertThat(actions)
                .anySatisfy(action -> assertThat(action)
                        .isInstanceOfSatisfying(
                                PlacementAction.SetLayout.class,
                                layout -> assertThat(layout.key()).isEqualTo("main.0")));
    }

    @Test
    void sharesThatWouldFlapAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AutoSplit(0.8, 0.5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Cluster nodes(final int count) {
        final Cluster cluster = new Cluster();
        for (int i = 1; i <= count; i++) {
            cluster.node("n" + i, 1_000, "continent");
        }
        return cluster;
    }

    private static Cluster split(final long at, final int west, final int east) {
        return nodes(2).autoLayout("main.0", 2, at)
                .cell("main.0", 0, 2, "n1")
                .cell("main.0", 1, 2, "n2")
                .players("main.0.c0", west)
                .players("main.0.c1", east);
    }
}
