package io.realmcluster.dataplane;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.dataplane.cells.CellLinks;
import io.realmcluster.dataplane.store.ItemIdPool;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.RealtimeThreads;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Departures;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import java.util.function.LongSupplier;
import org.HdrHistogram.HistogramIterationValue;

/** The node's Prometheus metrics, read from the maps' counters when scraped (nothing on the tick path). */
final class NodeMetrics {
    private static final double[] TICK_BUCKETS_SECONDS = {
        0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03,
        0.04, 0.05, 0.1, 0.25
    };

    private NodeMetrics() {}

    /**
     * Tick durations and CPU time per map, fed from each load report's interval histograms (the
     * session thread, not the tick).
     */
    static InstanceHost.TickTimes tickTimes(final PrometheusRegistry registry) {
        final Histogram durations =
                tickHistogram(registry, "realm_node_tick_duration_seconds", "Tick durations, by map instance");
        final Histogram cpu = tickHistogram(
                registry,
                "realm_node_tick_cpu_seconds",
                "The tick thread's CPU time per tick, by map instance: ticks that last far longer waited for a core");
        return (instance, durationNanos, cpuNanos) -> {
            observe(durations.labelValues(instance), durationNanos);
            observe(cpu.labelValues(instance), cpuNanos);
        };
    }

    private static Histogram tickHistogram(final PrometheusRegistry registry, final String name, final String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("instance")
                .classicOnly()
                .classicUpperBounds(TICK_BUCKETS_SECONDS)
                .register(registry);
    }

    private static void observe(final DistributionDataPoint observed, final org.HdrHistogram.Histogram nanos) {
        for (final HistogramIterationValue value : nanos.recordedValues()) {
            final double seconds = value.getValueIteratedTo() / 1e9;
            for (long i = 0; i < value.getCountAtValueIteratedTo(); i++) {
                observed.observe(seconds);
            }
        }
    }

    /** Item ids ready for the maps, by realm: 0 for long means loots are refused as busy. */
    static void itemIds(final PrometheusRegistry registry, final ItemIdPool pool) {
        GaugeWithCallback.builder()
                .name("realm_node_item_ids_ready")
                .help("Item ids reserved from a realm's database and not yet handed to a map, by realm")
                .labelNames("realm")
                .callback(cb -> {
                    for (int realm = 0; realm < pool.realms().size(); realm++) {
                        cb.call(pool.ready(realm), pool.realms().name(realm));
                    }
                })
                .register(registry);
    }

    /** How many times the node closed its maps for being cut off from the control plane (see PartitionWatch). */
    /** The cells' ghost frames and crossings (a node without cells reports zeros). */
    static void cells(final PrometheusRegistry registry, final CellLinks links, final LongSupplier crossings) {
        CounterWithCallback.builder()
                .name("realm_node_ghost_frames")
                .help("Ghost frames of split continents' cells: sent to neighbours, received for a cell here, refused"
                        + " (for a cell this node does not run, or its ring full)")
                .labelNames("outcome")
                .callback(cb -> {
                    cb.call(links.sent(), "sent");
                    cb.call(links.received(), "received");
                    cb.call(links.refused(), "refused");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_cell_crossings")
                .help("Players who crossed a boundary out of a cell of this node's into a neighbouring cell (the"
                        + " neighbour claimed them)")
                .callback(cb -> cb.call(crossings.getAsLong()))
                .register(registry);
    }

    static void cutOff(final PrometheusRegistry registry, final LongSupplier closed) {
        CounterWithCallback.builder()
                .name("realm_node_cut_off_closes")
                .help("Times this node closed its maps because it was cut off from a control plane its peers heard")
                .callback(cb -> cb.call(closed.getAsLong()))
                .register(registry);
    }

    static void register(
            final PrometheusRegistry registry,
            final InstanceHost instances,
            final TickScheduler ticks,
            final RealtimeThreads realtime,
            final Saver.Stats saves,
            final Departures.Stats departures,
            final LongSupplier transfersIn) {
        CounterWithCallback.builder()
                .name("realm_node_transfers_out")
                .help(
                        "Characters that left this node's maps through a portal, by outcome "
                                + "(completed: redirected to the target; aborted: called off, stayed here; lost: client disconnected)")
                .labelNames("outcome")
                .callback(cb -> {
                    cb.call(departures.completed(), "completed");
                    cb.call(departures.aborted(), "aborted");
                    cb.call(departures.lost(), "lost");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_transfer_out_seconds")
                .help("Time from the freeze being durable to the map being told, summed over completed transfers")
                .callback(cb -> cb.call(departures.nanos() / 1e9))
                .register(registry);
        registry.register(departures.redirected());
        registry.register(departures.retries());
        CounterWithCallback.builder()
                .name("realm_node_transfers_in")
                .help("Characters this node claimed in transfers from other nodes")
                .callback(cb -> cb.call(transfersIn.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_saves")
                .help("Character saves that landed in the database")
                .callback(cb -> cb.call(saves.saved()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_saves_fenced")
                .help("Saves refused because another node claimed the character since (it was dropped here)")
                .callback(cb -> cb.call(saves.lost()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_loots_confirmed")
                .help("Loots made durable, then confirmed to their players")
                .callback(cb -> cb.call(saves.loots()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_item_changes_confirmed")
                .help(
                        "Item changes (loots, moves, splits, merges, destroys) made durable, then confirmed to their players")
                .callback(cb -> cb.call(saves.itemChanges()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_trades_settled")
                .help("Trades whose two halves landed together in one transaction")
                .callback(cb -> cb.call(saves.trades()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_save_batches")
                .help("Save transactions committed")
                .callback(cb -> cb.call(saves.batches()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_save_batch_seconds")
                .help("Time spent in committed save transactions")
                .callback(cb -> cb.call(saves.batchNanos() / 1e9))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_save_failures")
                .help("Save transactions that failed (database down or refusing) and were retried")
                .callback(cb -> cb.call(saves.failures()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_departures_given_back")
                .help("Players frozen for a transfer and given back to play on: the database did not take their"
                        + " departure within 10 s")
                .callback(cb -> cb.call(saves.givenBack()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_save_records_malformed")
                .help("Save log records of an unknown type or length, dropped (a map of this node is at fault)")
                .callback(cb -> cb.call(saves.malformed()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_saves_pending")
                .help("Characters waiting to be saved")
                .callback(cb -> cb.call(saves.pending()))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_saves_dropped")
                .help("Saves a full save log refused, by instance (snapshots retried, loots refused)")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i ->
                                cb.call(i.world().droppedSaves(), i.assignment().getInstanceId())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_map_instances")
                .help("Map instances running on this node")
                .callback(cb -> cb.call(instances.instances().size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_players")
                .help("Players on this node's maps, by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(
                                i -> cb.call(i.world().players(), i.assignment().getInstanceId())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_tick_p99_seconds")
                .help("Tick duration p99 over the last load report's interval, by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                instances.tickP99Millis(i.assignment().getInstanceId()) / 1000.0,
                                i.assignment().getInstanceId())))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_ticks")
                .help("Ticks run, by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                i.agent().stats().ticks(), i.assignment().getInstanceId())))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_tick_overruns")
                .help("Ticks skipped because the one before ran past their start, by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                i.agent().stats().overruns(), i.assignment().getInstanceId())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_ingress_bytes")
                .help("Bytes waiting in each map's ingress ring")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                i.agent().ingress().depth(), i.assignment().getInstanceId())))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_dropped_frames")
                .help("Frames to players dropped because a map's outbox ring was full, by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                i.world().outbox().dropped(), i.assignment().getInstanceId())))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_moves_refused")
                .help(
                        "Player moves refused by the speed check (too far, too high, not a number since the last), by instance")
                .labelNames("instance")
                .callback(cb -> instances
                        .instances()
                        .forEach(i -> cb.call(
                                i.world().rejectedMoves(), i.assignment().getInstanceId())))
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_battleground_deaths")
                .help("Players slain by players on this node's battleground maps, by battleground: matches being "
                        + "fought (Alterac Valley's sides lose a reinforcement each, Warsong Gulch's carriers drop "
                        + "their flags)")
                .labelNames("battleground")
                .callback(cb -> {
                    cb.call(instances.battlegroundDeaths(BattlegroundSettings.WARSONG_GULCH), "warsong_gulch");
                    cb.call(instances.battlegroundDeaths(BattlegroundSettings.ARATHI_BASIN), "arathi_basin");
                    cb.call(instances.battlegroundDeaths(BattlegroundSettings.ALTERAC_VALLEY), "alterac_valley");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("realm_node_tick_errors")
                .help("Exceptions thrown by maps' ticks")
                .callback(cb -> cb.call(ticks.errors()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_tick_realtime_threads")
                .help("Tick threads running at a real-time priority (--tick-realtime-priority)")
                .callback(cb -> cb.call(realtime.granted()))
                .register(registry);
    }
}
