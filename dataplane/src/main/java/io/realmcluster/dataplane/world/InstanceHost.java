package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.link.OwnershipConfirmations;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.ItemIds;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.tick.MapAgent;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.ScoresToEnd;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.world.Cells;
import io.realmcluster.proto.world.Portals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The map instances this node runs, kept equal to the control plane's latest assignment set:
 * new ones are loaded into a tick thread, closing ones unloaded, and any instance missing from the
 * set (moved to another node while this one was cut off, at an epoch this node never saw) is
 * dropped.
 *
 * <p>Assignments are applied by one thread (the session's applier), load is reported by another
 * (the session thread), and metrics read from a third: the map of running instances is
 * concurrent, and only the applier changes it. The applier tells a map to hand its players over,
 * or to stop, through the map's ingress ring; the session thread polls what the map's tick
 * publishes back ({@link MapWorld#handedOver()}, {@link MapWorld#players()}).
 */
public final class InstanceHost {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHost.class);
    private static final int INGRESS_BYTES = 1 << 20;
    private static final Running[] NONE = new Running[0];
    /** How long the applier waits for room in a map's full ingress ring for a hand-over command. */
    private static final long COMMAND_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * A running instance: its assignment, its world, the agent that ticks it, and its handle on
     * this node (what save records carry to find it again).
     */
    public record Running(MapInstance assignment, MapWorld world, MapAgent agent, int handle) {}

    /**
     * The middle of the part of each continent that is simulated: the starting areas of the
     * characters (Northshire, the Valley of Trials) and the capitals beside them (Stormwind,
     * Orgrimmar, where the Stockade and Ragefire Chasm open) lie within its play area.
     */
    private final String nodeId;

    private final TickScheduler scheduler;
    private final SaveLog saves;
    private int nextHandle;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Double> lastTickP99Millis = new ConcurrentHashMap<>();
    private final Consumer<MapInstance> onUnload;
    private final TickTimes onTicks;
    /** How long a battleground's gates stay closed once its instance loads. */
    private final long battlegroundPreparationMillis;
    /** From a battleground's end to everyone going home, and a side's time under its minimum before it loses. */
    private final long battlegroundEndMillis;

    private final long battlegroundUnderMinimumMillis;
    /** What ends the battlegrounds' matches (vanilla's, or shorter ones). */
    private final ScoresToEnd scoresToEnd;
    /** Where the maps take ids for the items they create. */
    private final ItemIds itemIds;
    /** Players slain on battleground maps this host no longer runs, by map id; the lock of the snapshot's changes. */
    private final Map<Integer, Long> slainOnUnloaded = new HashMap<>();
    /** The applier's: what each instance was told about handing its players over. */
    private final HandOverCommands handOvers = new HandOverCommands(COMMAND_PATIENCE_NANOS);
    /** The running instances as an array the egress thread iterates without allocating; replaced on every change. */
    private volatile Running[] snapshot = NONE;
    /** When a map unloaded since last found it had stood still, or 0. */
    private volatile long stallOfUnloaded;

    /** Where each instance's tick times go with every load report (the node's metrics). */
    @FunctionalInterface
    public interface TickTimes {
        /** Durations and the tick thread's CPU time of the ticks since the last call, in nanoseconds. */
        void accept(String instanceId, Histogram durations, Histogram cpu);
    }

    /**
     * {@code onUnload} hears the last assignment of each instance this host stops running (its
     * players must go: to the node it moved to, see {@link #handingOverTo}, or out);
     * {@code onTicks} each instance's tick times since the last load report.
     */
    public InstanceHost(
            final String nodeId,
            final TickScheduler scheduler,
            final SaveLog saves,
            final Consumer<MapInstance> onUnload,
            final TickTimes onTicks) {
        this(nodeId, scheduler, saves, onUnload, onTicks, BattlegroundSettings.PREPARATION_MILLIS);
    }

    /** As above, with battlegrounds whose gates open {@code battlegroundPreparationMillis} after they load. */
    public InstanceHost(
            final String nodeId,
            final TickScheduler scheduler,
            final SaveLog saves,
            final Consumer<MapInstance> onUnload,
            final TickTimes onTicks,
            final long battlegroundPreparationMillis) {
        this(
                nodeId,
                scheduler,
                saves,
                onUnload,
                onTicks,
                battlegroundPreparationMillis,
                BattlegroundSettings.END_MILLIS,
                BattlegroundSettings.UNDER_MINIMUM_MILLIS);
    }

    /**
     * As above, with battlegrounds whose players go home {@code battlegroundEndMillis} after the end and whose
     * sides lose after {@code battlegroundUnderMinimumMillis} under their minimum (tests and the local cluster
     * shorten them).
     */
    public InstanceHost(
            final String nodeId,
            final TickScheduler scheduler,
            final SaveLog saves,
            final Consumer<MapInstance> onUnload,
            final TickTimes onTicks,
            final long battlegroundPreparationMillis,
            final long battlegroundEndMillis,
            final long battlegroundUnderMinimumMillis) {
        this(
                nodeId,
                scheduler,
                saves,
                onUnload,
                onTicks,
                battlegroundPreparationMillis,
                battlegroundEndMillis,
                battlegroundUnderMinimumMillis,
                ScoresToEnd.VANILLA);
    }

    /**
     * As above, with the battlegrounds' matches ended by {@code scoresToEnd} (shorter ones for demonstrations and
     * tests); the maps create no items.
     */
    public InstanceHost(
            final String nodeId,
            final TickScheduler scheduler,
            final SaveLog saves,
            final Consumer<MapInstance> onUnload,
            final TickTimes onTicks,
            final long battlegroundPreparationMillis,
            final long battlegroundEndMillis,
            final long battlegroundUnderMinimumMillis,
            final ScoresToEnd scoresToEnd) {
        this(
                nodeId,
                scheduler,
                saves,
                onUnload,
                onTicks,
                battlegroundPreparationMillis,
                battlegroundEndMillis,
                battlegroundUnderMinimumMillis,
                scoresToEnd,
                ItemIds.NONE);
    }

    /**
     * As above, with the battlegrounds' matches ended by {@code scoresToEnd} (shorter ones for demonstrations and
     * tests), and the maps' new items named by ids from {@code itemIds}.
     */
    public InstanceHost(
            final String nodeId,
            final TickScheduler scheduler,
            final SaveLog saves,
            final Consumer<MapInstance> onUnload,
            final TickTimes onTicks,
            final long battlegroundPreparationMillis,
            final long battlegroundEndMillis,
            final long battlegroundUnderMinimumMillis,
            final ScoresToEnd scoresToEnd,
            final ItemIds itemIds) {
        this.itemIds = Objects.requireNonNull(itemIds, "itemIds");
        this.scoresToEnd = Objects.requireNonNull(scoresToEnd, "scoresToEnd");
        if (battlegroundEndMillis < 0 || battlegroundUnderMinimumMillis < 0) {
            throw new IllegalArgumentException("a battleground's end and time under its minimum cannot be negative: "
                    + battlegroundEndMillis + " ms, " + battlegroundUnderMinimumMillis + " ms");
        }
        this.battlegroundEndMillis = battlegroundEndMillis;
        this.battlegroundUnderMinimumMillis = battlegroundUnderMinimumMillis;
        if (battlegroundPreparationMillis < 0) {
            throw new IllegalArgumentException(
                    "a battleground's preparation cannot be negative: " + battlegroundPreparationMillis + " ms");
        }
        this.battlegroundPreparationMillis = battlegroundPreparationMillis;
        this.nodeId = nodeId;
        this.scheduler = scheduler;
        this.saves = saves;
        this.onUnload = onUnload;
        this.onTicks = onTicks;
    }

    public InstanceHost(final TickScheduler scheduler, final SaveLog saves) {
        this("node", scheduler, saves, gone -> {}, (id, durations, cpu) -> {});
    }

    /**
     * Apply a full assignment set; returns what to confirm to the control plane. An instance
     * moving here is loaded as a copy that takes the players its node hands over; an instance of
     * this node's that is handing its players over does so from its next tick. The applier thread.
     */
    public List<AssignmentAck> apply(final AssignmentSet assignments) {
        final List<AssignmentAck> acks = new ArrayList<>();
        final Set<String> assigned = new HashSet<>();
        for (final MapInstance instance : assignments.getInstancesList()) {
            assigned.add(instance.getInstanceId());
        }
        // What this node no longer runs goes first, before any load holds up the set: its players are told now.
        for (final String id : List.copyOf(running.keySet())) {
            if (!assigned.contains(id)) {
                unload(id, "dropped");
            }
        }
        for (final MapInstance instance : assignments.getInstancesList()) {
            final Running before = running.get(instance.getInstanceId());
            if (before != null && lostMeanwhile(before.assignment(), instance)) {
                // This node ran it at an epoch the cluster has since given to another node (it was cut off or
                // stood still past its lease): its world is stale, and its players must not play on in it.
                unload(instance.getInstanceId(), "lost");
            }
        }
        for (final MapInstance instance : assignments.getInstancesList()) {
            if (instance.getState() == InstanceState.INSTANCE_STATE_CLOSING) {
                unload(instance.getInstanceId(), "closed");
                acks.add(ack(instance, InstanceState.INSTANCE_STATE_CLOSED));
                continue;
            }
            final boolean incoming = instance.getMove().getToNodeId().equals(nodeId)
                    && !instance.getNodeId().equals(nodeId);
            if (incoming && !instance.getMove().getToInstanceId().isEmpty()) {
                // A cell merging into its whole continent here: its players enter the whole, which runs already;
                // there is no copy of the cell to load.
                continue;
            }
            Running current = running.get(instance.getInstanceId());
            if (current == null) {
                current = load(instance);
            } else if (!current.assignment().equals(instance)) {
                current = new Running(instance, current.world(), current.agent(), current.handle());
                running.put(instance.getInstanceId(), current);
                snapshot = running.values().toArray(NONE);
            }
            handOvers.handOver(
                    instance.getInstanceId(),
                    current.agent().ingress(),
                    !incoming && handingOver(instance) ? instance.getMove().getEpoch() : 0,
                    instance.getMove().getToCells());
            final AssignmentAck ack = ack(instance, InstanceState.INSTANCE_STATE_ACTIVE);
            acks.add(
                    incoming
                            ? ack.toBuilder()
                                    .setMoveEpoch(instance.getMove().getEpoch())
                                    .build()
                            : ack);
        }
        return acks;
    }

    /** The control plane's word that this node still runs its maps, for those that stood still and hold back. */
    public OwnershipConfirmations ownershipConfirmations() {
        return new OwnershipConfirmations() {
            @Override
            public void bySet(final long linkOpenedNanos) {
                confirm(agent -> agent.confirmBySet(linkOpenedNanos), "a set on a link opened since");
            }

            @Override
            public void byRenewal(final long linkOpenedNanos, final long sentNanos) {
                final MapAgent.Renewal renewal = new MapAgent.Renewal(linkOpenedNanos, sentNanos);
                confirm(agent -> agent.confirmByRenewal(renewal), "its lease renewed");
            }
        };
    }

    private void confirm(final Consumer<MapAgent> confirmation, final String how) {
        for (final Running instance : snapshot) {
            final boolean wasHolding = instance.agent().holding();
            confirmation.accept(instance.agent());
            if (wasHolding) {
                LOG.info(
                        "{} stood still; the control plane may confirm this node still runs it at epoch {} ({})",
                        instance.assignment().getInstanceId(),
                        instance.assignment().getEpoch(),
                        how);
            }
        }
    }

    /**
     * Whether a map of this node stands still or stood still in the last seconds at {@code nowNanos}: frames its
     * players sent meanwhile arrive at once and are no flood. Any thread.
     */
    public boolean stoodStill(final long nowNanos) {
        final long unloaded = stallOfUnloaded;
        if (unloaded != 0 && nowNanos - unloaded < MapAgent.STALL_FORGIVEN_NANOS) {
            return true;
        }
        for (final Running instance : snapshot) {
            if (instance.agent().stoodStill(nowNanos)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code now} says this node lost the instance it runs as {@code before} and has it again: it ran it
     * as its own at one epoch, and the set gives it another epoch (an epoch changes in place only when a copy
     * loaded here for a move becomes this node's), or brings it here as another node's moving in.
     */
    private boolean lostMeanwhile(final MapInstance before, final MapInstance now) {
        final boolean ranItsOwn = before.getNodeId().equals(nodeId);
        return ranItsOwn
                && (before.getEpoch() != now.getEpoch() || !now.getNodeId().equals(nodeId));
    }

    private static boolean handingOver(final MapInstance instance) {
        return instance.hasMove() && instance.getMove().getPhase() == MovePhase.MOVE_PHASE_HANDING_OVER;
    }

    /**
     * The node that takes the players of {@code instance}, as this node last had its assignment,
     * when it is this node's and hands its players over to another (which has loaded its copy):
     * a player logging in to it now, or still on it when it leaves, goes there. Otherwise null.
     */
    public NodeDescriptor handingOverTo(final MapInstance instance) {
        return handingOver(instance) ? movingTo(instance) : null;
    }

    /**
     * The node {@code instance} moves to with its players, while its copy loads there or it hands
     * them over, when it is this node's; otherwise null. Its players stand by there meanwhile.
     */
    public NodeDescriptor movingTo(final MapInstance instance) {
        return instance.hasMove()
                        && instance.getNodeId().equals(nodeId)
                        && instance.getMove().hasToNode()
                        && !instance.getMove().getToNodeId().equals(nodeId)
                ? instance.getMove().getToNode()
                : null;
    }

    private Running load(final MapInstance instance) {
        final WorldSettings settings = WorldSettings.forKind(instance.getKind());
        final boolean battleground = instance.getKind() == MapKind.MAP_KIND_BATTLEGROUND
                && BattlegroundSettings.isBattleground(instance.getMapId());
        // An instance is laid out around its entry point (where a portal brings its players), a battleground
        // around its middle.
        final float[] center = instance.getKind() == MapKind.MAP_KIND_CONTINENT
                ? Cells.center(instance.getMapId())
                : battleground
                        ? BattlegroundMaps.center(instance.getMapId())
                        : Portals.entryPoint(instance.getMapId()).orElse(new float[] {0f, 0f});
        final int handle = ++nextHandle;
        final MapWorld world = new MapWorld(
                settings,
                instance.getMapId(),
                // The cells of a continent are seeded alike: each runs the whole continent's creatures of its strip.
                (instance.hasCell() ? instance.getCell().getContinent() : instance.getInstanceId()).hashCode(),
                center[0],
                center[1],
                saves,
                handle,
                Outbox.allocate(settings.outboxBytes(), ClientProtocol.MAX_BODY),
                battleground
                        ? BattlegroundSettings.forMap(instance.getMapId(), battlegroundPreparationMillis)
                                .withEndMillis(battlegroundEndMillis)
                                .withUnderMinimumMillis(battlegroundUnderMinimumMillis)
                                .withScoreToEnd(scoresToEnd)
                        : null,
                itemIds,
                CellPart.of(instance));
        final MapAgent agent = new MapAgent(
                instance.getInstanceId(),
                Ingress.allocate(INGRESS_BYTES),
                world,
                SystemNanoClock.INSTANCE,
                settings.tickHz());
        scheduler.add(agent);
        final Running loaded = new Running(instance, world, agent, handle);
        running.put(instance.getInstanceId(), loaded);
        snapshot = running.values().toArray(NONE);
        LOG.info(
                "loaded {} (map {}, realm {}) at epoch {}{}: {} creatures, {} Hz",
                instance.getInstanceId(),
                instance.getMapId(),
                instance.getRealm(),
                instance.getEpoch(),
                instance.getMove().getToNodeId().equals(nodeId) ? ", moving here from " + instance.getNodeId() : "",
                settings.creatures(),
                settings.tickHz());
        return loaded;
    }

    private void unload(final String instanceId, final String why) {
        final Running gone = running.remove(instanceId);
        if (gone == null) {
            return;
        }
        scheduler.remove(gone.agent());
        final long stall = gone.agent().stallAsOf(SystemNanoClock.INSTANCE.nanoTime());
        if (stall != 0) {
            // Frames its players sent while it stood still may still be arriving after it is gone (it may go before
            // the tick that would have found the stall: the process was stopped, its link noticed first).
            stallOfUnloaded = stall;
        }
        handOvers.forget(instanceId);
        // No tick runs it any more: its players' last state goes to the save log from here.
        gone.world().logoutAll();
        synchronized (slainOnUnloaded) {
            // Its slain move to the unloaded count as it leaves the snapshot: the node's count never dips.
            if (gone.world().battleground() != null) {
                slainOnUnloaded.merge(gone.assignment().getMapId(), gone.world().playersSlain(), Long::sum);
            }
            snapshot = running.values().toArray(NONE);
        }
        lastTickP99Millis.remove(instanceId);
        onUnload.accept(gone.assignment());
        if (why.equals("dropped")
                && gone.world().handedOver() != 0
                && gone.assignment().getMove().getToCells()) {
            LOG.info("{} handed its players to its cells", instanceId);
        } else if (why.equals("dropped")
                && gone.world().handedOver() != 0
                && !gone.assignment().getMove().getToInstanceId().isEmpty()) {
            LOG.info(
                    "{} handed its players to {} on {}",
                    instanceId,
                    gone.assignment().getMove().getToInstanceId(),
                    gone.assignment().getMove().getToNodeId());
        } else if (why.equals("dropped") && gone.world().handedOver() != 0) {
            LOG.info(
                    "{} moved to {} with its players",
                    instanceId,
                    gone.assignment().getMove().getToNodeId());
        } else if (why.equals("dropped")) {
            LOG.warn(
                    "dropped {} (epoch {}): no longer assigned to this node",
                    instanceId,
                    gone.assignment().getEpoch());
        } else if (why.equals("lost")) {
            LOG.warn(
                    "dropped {} (epoch {}): the cluster gave it to another node meanwhile; its players log in again",
                    instanceId,
                    gone.assignment().getEpoch());
        } else {
            LOG.info("closed {} at epoch {}", instanceId, gone.assignment().getEpoch());
        }
    }

    /**
     * Players slain on this node's maps of battleground {@code mapId} since the node started, those it
     * no longer runs included. Any thread (the running maps' counts are read racily).
     */
    public long battlegroundDeaths(final int mapId) {
        synchronized (slainOnUnloaded) {
            long slain = slainOnUnloaded.getOrDefault(mapId, 0L);
            for (final Running instance : snapshot) {
                if (instance.assignment().getMapId() == mapId
                        && instance.world().battleground() != null) {
                    slain += instance.world().playersSlain();
                }
            }
            return slain;
        }
    }

    public Running instance(final String instanceId) {
        return running.get(instanceId);
    }

    public List<Running> instances() {
        return List.copyOf(running.values());
    }

    /** The running instance with this handle, or null once it stopped. Any thread; no allocation. */
    public Running byHandle(final int handle) {
        for (final Running instance : snapshot) {
            if (instance.handle() == handle) {
                return instance;
            }
        }
        return null;
    }

    /** The running instances; the array is never modified (a change replaces it). Any thread. */
    public Running[] snapshot() {
        return snapshot;
    }

    /** Tick p99 of an instance over the last load report's interval, in milliseconds. */
    public double tickP99Millis(final String instanceId) {
        return lastTickP99Millis.getOrDefault(instanceId, 0.0);
    }

    /** What the node reports with its heartbeats, when no transferred player is on its way here. */
    public LoadReport load() {
        return load(instanceId -> false);
    }

    /**
     * What the node reports with its heartbeats: players and tick p99 per map since the last
     * report, and which moving instances have handed every player over ({@code awaited} says
     * whether a player transferred here is still on its way to an instance: not empty yet).
     */
    public LoadReport load(final Predicate<String> awaited) {
        final LoadReport.Builder report = LoadReport.newBuilder().setMapInstances(running.size());
        int players = 0;
        for (final Running instance : running.values()) {
            final Histogram ticks = instance.agent().stats().takeDurations();
            onTicks.accept(
                    instance.assignment().getInstanceId(),
                    ticks,
                    instance.agent().stats().takeCpu());
            final double p99 = ticks.getTotalCount() == 0 ? 0 : ticks.getValueAtPercentile(99) / 1e6;
            lastTickP99Millis.put(instance.assignment().getInstanceId(), p99);
            final int mapPlayers = instance.world().players();
            players += mapPlayers;
            final long handedOver = instance.world().handedOver();
            report.addMaps(MapLoad.newBuilder()
                    .setInstanceId(instance.assignment().getInstanceId())
                    .setPlayers(mapPlayers)
                    .setTickP99Ms(p99)
                    .setHandedOverMoveEpoch(
                            handedOver != 0
                                            && !awaited.test(
                                                    instance.assignment().getInstanceId())
                                    ? handedOver
                                    : 0));
        }
        return report.setPlayers(players).build();
    }

    private static AssignmentAck ack(final MapInstance instance, final InstanceState state) {
        return AssignmentAck.newBuilder()
                .setInstanceId(instance.getInstanceId())
                .setEpoch(instance.getEpoch())
                .setState(state)
                .build();
    }
}
