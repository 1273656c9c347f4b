package io.realmcluster.bench.controlplane;

import io.grpc.Status;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.MapInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulated nodes of one run, on two scheduler threads of this JVM, and what they saw: which node
 * confirmed each instance last and when, how many heartbeats they sent, why their links broke.
 */
final class SimFleet implements AutoCloseable {
    /** Where an instance last started: the node that confirmed it, at which epoch, when (nano time). */
    record Started(String nodeId, long epoch, long atNanos) {}

    private final List<SimNode> nodes = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Map<String, Started> started = new ConcurrentHashMap<>();
    private final LongAdder heartbeats = new LongAdder();
    private final AtomicLong welcomes = new AtomicLong();
    private final Map<String, LongAdder> breaks = new ConcurrentHashMap<>();

    SimFleet(final int count, final List<HostPort> controlPlanes) {
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            final Thread thread = new Thread(runnable, "sim-nodes");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < count; i++) {
            nodes.add(new SimNode(String.format("sim-%04d", i), i, this, controlPlanes));
        }
    }

    /** Every node opens its link. */
    void start() {
        nodes.forEach(SimNode::open);
    }

    List<SimNode> nodes() {
        return List.copyOf(nodes);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Nodes alive whose current link is welcomed. */
    int registered() {
        return (int) nodes.stream().filter(SimNode::registered).count();
    }

    /** Instances running on all nodes. */
    int running() {
        return nodes.stream().mapToInt(SimNode::runningCount).sum();
    }

    long heartbeats() {
        return heartbeats.sum();
    }

    long welcomes() {
        return welcomes.get();
    }

    /** Why links broke so far, by gRPC status code. */
    Map<String, Long> breaks() {
        final Map<String, Long> out = new TreeMap<>();
        breaks.forEach((code, count) -> out.put(code, count.sum()));
        return out;
    }

    /** Where {@code instanceId} last started, or null. */
    Started started(final String instanceId) {
        return started.get(instanceId);
    }

    /** The live node that runs the most instances. */
    SimNode busiest(final List<SimNode> alive) {
        return alive.stream()
                .max(Comparator.comparingInt(SimNode::runningCount))
                .orElseThrow();
    }

    /** One dungeon instance of a random live node reported empty from now on; false when none was found. */
    boolean emptyOne(final List<SimNode> alive) {
        final int from = ThreadLocalRandom.current().nextInt(alive.size());
        for (int i = 0; i < alive.size(); i++) {
            if (alive.get((from + i) % alive.size()).empty(1) == 1) {
                return true;
            }
        }
        return false;
    }

    void heartbeatSent() {
        heartbeats.increment();
    }

    void welcomed(final SimNode node) {
        welcomes.incrementAndGet();
    }

    void linkBroke(final SimNode node, final Status status) {
        breaks.computeIfAbsent(status.getCode().name(), code -> new LongAdder()).increment();
    }

    void started(final MapInstance instance, final String nodeId, final long atNanos) {
        started.put(instance.getInstanceId(), new Started(nodeId, instance.getEpoch(), atNanos));
    }

    @Override
    public void close() {
        nodes.forEach(SimNode::kill);
        scheduler.shutdownNow();
    }
}
