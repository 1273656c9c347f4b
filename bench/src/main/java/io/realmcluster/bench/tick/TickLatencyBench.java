package io.realmcluster.bench.tick;

import com.sun.management.ThreadMXBean;
import io.realmcluster.bench.Conditions;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.tick.MapAgent;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.tick.TickSimulation;
import io.realmcluster.dataplane.world.MapWorld;
import io.realmcluster.dataplane.world.WorldSettings;
import io.realmcluster.proto.client.ClientProtocol;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Tick latency of one continent under load: players moving at 20 Hz (each one input per tick,
 * from a separate "network" thread), creatures wandering and fighting, on one tick thread. Tick
 * durations and lateness against the tick schedule (so a stalled thread is not hidden) go into
 * HdrHistograms. The same scenario runs with the engine's ring-buffer ingress and with a baseline
 * engine (ArrayBlockingQueue of per-message objects), side by side.
 */
@Command(
        name = "tick",
        mixinStandardHelpOptions = true,
        description = "Tick latency of a loaded continent: ring-buffer engine vs an ArrayBlockingQueue baseline.")
public final class TickLatencyBench implements Callable<Integer> {
    @Option(names = "--players", defaultValue = "2000", description = "Players moving (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(names = "--creatures", defaultValue = "4000", description = "Creatures (default: ${DEFAULT-VALUE}).")
    int creatures;

    @Option(
            names = "--seconds",
            defaultValue = "600",
            description = "Measured seconds per engine (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "30",
            description = "Warm-up seconds per engine (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   1 continent, %d players moving at 20 Hz, %d creatures, 1 tick thread; %d s warm-up, %d s measured per engine%n",
                players, creatures, warmupSeconds, seconds);
        final Result ring = run(false);
        final Result baseline = run(true);
        System.out.println();
        System.out.println("tick duration and completion after schedule (ms)");
        System.out.printf(
                "%-46s %7s %7s %7s %7s %9s %10s %12s%n",
                "engine", "p50", "p99", "p99.9", "max", "overruns", "ticks", "bytes/tick");
        ring.print("ring buffer + flyweights");
        baseline.print("ArrayBlockingQueue + objects");
        System.out.printf(
                "ratio baseline/ring: p50 %.2fx, p99 %.2fx, p99.9 %.2fx%n",
                ratio(baseline.durations, ring.durations, 50),
                ratio(baseline.durations, ring.durations, 99),
                ratio(baseline.durations, ring.durations, 99.9));
        return 0;
    }

    private Result run(final boolean baseline) throws InterruptedException {
        final WorldSettings continent = new WorldSettings(20, 100f, creatures, 4000f, players + 16);
        final Outbox outbox = Outbox.allocate(continent.outboxBytes(), ClientProtocol.MAX_BODY);
        final SaveLog saves = SaveLog.allocate(8 << 20);
        final MapWorld world = new MapWorld(continent, 0, 1, 0f, 0f, saves, 1, outbox);
        final Egress egress = new Egress(outbox, saves);
        final Ingress ingress = Ingress.allocate(4 << 20);
        final ArrayBlockingQueue<InputMessage> queue = new ArrayBlockingQueue<>(64 * 1024);
        final TickSimulation simulation = baseline ? new QueueDrainingSimulation(world, queue) : world;
        final MapAgent agent = new MapAgent("bench.0", ingress, simulation, SystemNanoClock.INSTANCE, 20);
        final Feeder feeder = new Feeder(players, ingress, queue, baseline);
        feeder.joinAll();
        final Thread network = new Thread(feeder, "network-feeder");
        network.setDaemon(true);
        final Thread egressThread = new Thread(egress, "client-egress");
        egressThread.setDaemon(true);
        try (TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace)) {
            scheduler.add(agent);
            network.start();
            egressThread.start();
            sleep(warmupSeconds);
            agent.stats().takeDurations();
            agent.stats().takeLateness();
            final long overrunsBefore = agent.stats().overruns();
            final long ticksBefore = agent.stats().ticks();
            final long egressBefore = egress.bytes;
            final long tickThread = threadId("tick-0");
            final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            final long allocatedBefore = threads.getThreadAllocatedBytes(tickThread);
            sleep(seconds);
            final long allocated = threads.getThreadAllocatedBytes(tickThread) - allocatedBefore;
            final Histogram durations = agent.stats().takeDurations();
            final Histogram lateness = agent.stats().takeLateness();
            final long ticks = agent.stats().ticks() - ticksBefore;
            final long sent = egress.bytes - egressBefore;
            feeder.stop();
            egress.running = false;
            network.join(5_000);
            egressThread.join(5_000);
            return new Result(
                    durations,
                    lateness,
                    agent.stats().overruns() - overrunsBefore,
                    ticks,
                    ticks == 0 ? 0 : allocated / ticks,
                    ticks == 0 ? 0 : sent / ticks,
                    outbox.dropped());
        }
    }

    private static void sleep(final int seconds) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    }

    private static long threadId(final String name) {
        for (final Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                return thread.getId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }

    private static double ratio(final Histogram a, final Histogram b, final double percentile) {
        return a.getValueAtPercentile(percentile) / (double) Math.max(1, b.getValueAtPercentile(percentile));
    }

    /** What one engine measured. */
    private record Result(
            Histogram durations,
            Histogram lateness,
            long overruns,
            long ticks,
            long bytesPerTick,
            long egressBytesPerTick,
            long egressDropped) {
        void print(final String engine) {
            line(engine + ", duration", durations, true);
            line(engine + ", after schedule", lateness, false);
            System.out.printf(
                    "%-46s %,d bytes of frames to players per tick, %d frames dropped%n",
                    engine + ", egress", egressBytesPerTick, egressDropped);
        }

        private void line(final String label, final Histogram h, final boolean counts) {
            System.out.printf(
                    "%-46s %7.2f %7.2f %7.2f %7.2f %9s %10s %12s%n",
                    label,
                    h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6,
                    h.getValueAtPercentile(99.9) / 1e6,
                    h.getMaxValue() / 1e6,
                    counts ? overruns : "",
                    counts ? ticks : "",
                    counts ? bytesPerTick : "");
        }
    }

    /** The node's egress side: drains the map's outbox as the egress thread would (frames counted, not sent). */
    /** The network's and the saver's side of the map: drains its outbox and its save log, counting bytes. */
    private static final class Egress implements Runnable {
        private final Outbox outbox;
        private final SaveLog saves;
        private volatile long bytes;
        private volatile boolean running = true;
        private final MessageHandler count = (type, buffer, index, length) -> bytes += length;
        private final MessageHandler discard = (type, buffer, index, length) -> {};

        Egress(final Outbox outbox, final SaveLog saves) {
            this.outbox = outbox;
            this.saves = saves;
        }

        @Override
        public void run() {
            while (running) {
                if (outbox.drain(count, 16_384) + saves.drain(discard, 16_384) == 0) {
                    LockSupport.parkNanos(200_000);
                }
            }
        }
    }

    /** The baseline's message: one object per input, as a naive engine would pass them. */
    private record InputMessage(int type, byte[] body) {}

    /** The baseline engine's tick: take objects off a blocking queue, then tick the same world. */
    private static final class QueueDrainingSimulation implements TickSimulation {
        private final MapWorld world;
        private final ArrayBlockingQueue<InputMessage> queue;

        QueueDrainingSimulation(final MapWorld world, final ArrayBlockingQueue<InputMessage> queue) {
            this.world = world;
            this.queue = queue;
        }

        @Override
        public void onInput(final int type, final DirectBuffer buffer, final int offset, final int length) {
            world.onInput(type, buffer, offset, length);
        }

        @Override
        public void tick(final long tick, final long nowNanos) {
            InputMessage message;
            while ((message = queue.poll()) != null) {
                world.onInput(message.type(), new UnsafeBuffer(message.body()), 0, message.body().length);
            }
            world.tick(tick, nowNanos);
        }
    }

    /** The network side: every player sends one legal move per tick, some attack now and then. */
    private static final class Feeder implements Runnable {
        private final int players;
        private final Ingress ingress;
        private final ArrayBlockingQueue<InputMessage> queue;
        private final boolean baseline;
        private final float[] x;
        private final float[] y;
        private final float[] heading;
        private final SplittableRandom random = new SplittableRandom(3);
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Inputs.JOIN_LENGTH]);
        private volatile boolean running = true;
        private long dropped;

        Feeder(
                final int players,
                final Ingress ingress,
                final ArrayBlockingQueue<InputMessage> queue,
                final boolean baseline) {
            this.players = players;
            this.ingress = ingress;
            this.queue = queue;
            this.baseline = baseline;
            this.x = new float[players];
            this.y = new float[players];
            this.heading = new float[players];
        }

        void joinAll() {
            for (int p = 0; p < players; p++) {
                x[p] = (random.nextFloat() - 0.5f) * 3800f;
                y[p] = (random.nextFloat() - 0.5f) * 3800f;
                heading[p] = random.nextFloat() * 6.28f;
                final int length = Inputs.encodeJoin(scratch, 0, p + 1, x[p], y[p], 0f, 0f, 60, 5000, 0, p);
                send(Inputs.PLAYER_JOIN, length);
            }
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            int sequence = 0;
            while (running) {
                sequence++;
                for (int p = 0; p < players; p++) {
                    if (random.nextInt(20) == 0) {
                        heading[p] += (random.nextFloat() - 0.5f) * 2f;
                    }
                    // 0.3 yd per 50 ms: just under run speed, as a client would send.
                    x[p] = Math.max(-1990f, Math.min(1990f, x[p] + (float) Math.cos(heading[p]) * 0.3f));
                    y[p] = Math.max(-1990f, Math.min(1990f, y[p] + (float) Math.sin(heading[p]) * 0.3f));
                    send(Inputs.MOVE, Inputs.encodeMove(scratch, 0, p + 1, sequence, x[p], y[p], 0f, heading[p], 0));
                    if (random.nextInt(200) == 0) {
                        send(
                                Inputs.ATTACK,
                                Inputs.encodeTarget(scratch, 0, p + 1, (1L << 48) + random.nextInt(Math.max(1, 4000))));
                    }
                }
                next += 50_000_000L;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
        }

        private void send(final int type, final int length) {
            if (baseline) {
                final byte[] body = new byte[length];
                scratch.getBytes(0, body);
                if (!queue.offer(new InputMessage(type, body))) {
                    dropped++;
                }
            } else if (!ingress.offer(type, scratch, 0, length)) {
                dropped++;
            }
        }

        void stop() {
            running = false;
        }
    }
}
