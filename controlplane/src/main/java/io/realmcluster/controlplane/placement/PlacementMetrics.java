package io.realmcluster.controlplane.placement;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The placement controller's counters, registered once, each label with a zero series from the start. */
final class PlacementMetrics {
    private final Counter placements;
    private final Counter reassignments;
    private final Counter closed;
    private final Counter moves;

    PlacementMetrics(final PrometheusRegistry registry, final BooleanSupplier leading) {
        GaugeWithCallback.builder()
                .name("realm_controlplane_leader")
                .help("1 while this replica leads and runs the controllers")
                .callback(cb -> cb.call(leading.getAsBoolean() ? 1 : 0))
                .register(registry);
        placements = Counter.builder()
                .name("realm_controlplane_placements_total")
                .help("Map instances placed on a node, by kind")
                .labelNames("kind")
                .register(registry);
        reassignments = Counter.builder()
                .name("realm_controlplane_reassignments_total")
                .help("Continents moved off a dead node")
                .register(registry);
        closed = Counter.builder()
                .name("realm_controlplane_instances_closed_total")
                .help("Instances closed, by reason")
                .labelNames("reason")
                .register(registry);
        moves = Counter.builder()
                .name("realm_controlplane_instance_moves_total")
                .help("Instances moved to another node with their players, by outcome")
                .labelNames("outcome")
                .register(registry);
        // Zero series from the start, so a dashboard sees a rate of 0 rather than no data.
        for (final String pool : List.of("continent", "dungeon", "raid", "battleground")) {
            placements.initLabelValues(pool);
        }
        moves.initLabelValues("done");
        moves.initLabelValues("called_off");
        closed.initLabelValues("idle");
        closed.initLabelValues("node_dead");
    }

    void placed(final String pool) {
        placements.labelValues(pool).inc();
    }

    void reassigned() {
        reassignments.inc();
    }

    void closed(final String reason) {
        closed.labelValues(reason).inc();
    }

    void moved(final String outcome) {
        moves.labelValues(outcome).inc();
    }
}
