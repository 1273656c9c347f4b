package io.realmcluster.dataplane.link;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Goodbye;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered with the control plane: one link stream to one replica at a time, heartbeats with
 * load reports, and a move to the next replica's address when the stream breaks or the replica stops answering
 * (no Welcome within its deadline, no heartbeat ack for about two heartbeat intervals: a paused replica whose port
 * still accepts). The next replica is tried at once while one is untried in this round; once every address failed,
 * with capped, jittered backoff. Each address has a channel of its own, so a replica that hangs never holds up the
 * next. The node keeps running its maps while the control plane is away.
 *
 * <p>All state is owned by one thread, {@code controlplane-link}; stream callbacks hop onto it.
 */
public final class ControlPlaneLink implements PartitionWatch.Link, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneLink.class);
    private static final long MIN_BACKOFF_MS = 100;
    /** Short enough that a live node is back within one lease TTL, the leader's adoption grace, after a pause. */
    private static final long MAX_BACKOFF_MS = 2_000;
    /** How often the link thread checks the Welcome and ack deadlines. */
    private static final long WATCH_EVERY_MS = 100;

    /** How long a replica may take to welcome a Hello, and to ack heartbeats, before the link tries the next one. */
    public record Deadlines(Duration welcome, Duration minAck) {
        /** A Welcome within 1.5 s; an ack within two heartbeat intervals, and never less than 1 s. */
        public static final Deadlines DEFAULT = new Deadlines(Duration.ofMillis(1_500), Duration.ofSeconds(1));

        /** The ack deadline for {@code heartbeatIntervalMs}. */
        long ackMillis(final long heartbeatIntervalMs) {
            return Math.max(2 * heartbeatIntervalMs, minAck.toMillis());
        }
    }

    private final NodeDescriptor descriptor;
    private final List<HostPort> controlPlanes;
    private final Supplier<LoadReport> load;
    /** How many heartbeats' sending times are kept for their acknowledgements. */
    private static final int SENT_KEPT = 64;

    private final Function<AssignmentSet, List<AssignmentAck>> assignments;
    private final Supplier<List<MapInstance>> running;
    private final Deadlines deadlines;
    /** One per address, in the order given. */
    private final List<ManagedChannel> channels;

    private final ScheduledExecutorService thread;
    /** Applies assignment sets (loading a map takes a while) off the link thread, whose heartbeats keep the lease. */
    private final ScheduledExecutorService applier;
    /** The latest set not applied yet: sets are whole, so one that arrives meanwhile replaces the one waiting. */
    private final AtomicReference<AssignmentSet> pendingSet = new AtomicReference<>();

    private ClientCallStreamObserver<NodeMessage> stream;
    /**
     * A registered stream left for not acking, ended only once another replica welcomed the node: ended at once,
     * the replica would revoke the node's lease before the new registration took the entry over, and the node would
     * look dead for a moment.
     */
    private ClientCallStreamObserver<NodeMessage> left;

    private long streamGeneration;
    private boolean registered;
    private long heartbeatSequence;
    private ScheduledFuture<?> heartbeats;
    private ScheduledFuture<?> watch;
    /** The address of the stream open or next opened. */
    private int current;
    /** Addresses opened since the last Welcome or the last backoff: the next one is tried at once while below all. */
    private int triedInRound;

    private long helloSentNanos;
    private long lastAckNanos;
    private long ackDeadlineMs;
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean unreachableLogged;
    private boolean closed;
    private volatile String controlPlaneId = "";
    /** When the control plane last acknowledged this node (a Welcome or a heartbeat ack); 0 before the first. */
    private volatile long heardNanos;
    /** The lease TTL of the last Welcome; 0 before the first. */
    private volatile long leaseTtlMs;
    /** The nodes the control plane last named to ask whether they still hear it. */
    private volatile List<Endpoint> peers = List.of();
    /** Hears every set of battleground invites the control plane sends, on the link thread. */
    private volatile Consumer<BattlegroundInvites> invites = set -> {};
    /** Hears the control plane's word that this node still runs its maps: sets applied, heartbeats acknowledged. */
    private volatile OwnershipConfirmations ownership = OwnershipConfirmations.NONE;
    /** When each of the last heartbeats went out, by sequence modulo its length. Link thread. */
    private final long[] heartbeatSent = new long[SENT_KEPT];

    /**
     * @param assignments applies each assignment set the control plane pushes and returns the
     *                    acknowledgements to send back; runs on a thread of its own, one set at a time,
     *                    so that loading maps never holds up the heartbeats
     * @param running the instances this node runs now, with their epochs, told in each Hello so that a control
     *                plane that lost track of this node while it was away confirms them again at once; any thread
     * @param credentials how the link reaches the control plane (this node's certificate, or plaintext)
     */
    public ControlPlaneLink(
            final NodeDescriptor descriptor,
            final List<HostPort> controlPlanes,
            final Supplier<LoadReport> load,
            final Function<AssignmentSet, List<AssignmentAck>> assignments,
            final Supplier<List<MapInstance>> running,
            final ChannelCredentials credentials) {
        this(descriptor, controlPlanes, load, assignments, running, credentials, Deadlines.DEFAULT);
    }

    /** The same with other deadlines for a replica that stops answering. */
    public ControlPlaneLink(
            final NodeDescriptor descriptor,
            final List<HostPort> controlPlanes,
            final Supplier<LoadReport> load,
            final Function<AssignmentSet, List<AssignmentAck>> assignments,
            final Supplier<List<MapInstance>> running,
            final ChannelCredentials credentials,
            final Deadlines deadlines) {
        if (controlPlanes.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one control-plane address");
        }
        this.descriptor = descriptor;
        this.controlPlanes = List.copyOf(controlPlanes);
        this.load = load;
        this.assignments = assignments;
        this.running = running;
        this.deadlines = deadlines;
        this.channels = this.controlPlanes.stream()
                .map(address -> Channels.forTargets(List.of(address), 2, credentials))
                .toList();
        this.thread = Threads.singleThread("controlplane-link");
        this.applier = Threads.singleThread("assignments");
    }

    /** Open the first link; returns at once, registration happens in the background. */
    public void start() {
        thread.execute(() -> {
            watch = thread.scheduleWithFixedDelay(this::watch, WATCH_EVERY_MS, WATCH_EVERY_MS, TimeUnit.MILLISECONDS);
            open();
        });
    }

    /** Where the battleground invites of this node's players go (each a whole set); quick, on the link thread. */
    public void onInvites(final Consumer<BattlegroundInvites> sink) {
        this.invites = sink;
    }

    /** Where the control plane's word that this node still runs its maps goes (a map that stood still waits for it). */
    public void onOwnershipConfirmed(final OwnershipConfirmations sink) {
        this.ownership = sink;
    }

    /** The replica holding the link, empty while disconnected. */
    public String controlPlaneId() {
        return controlPlaneId;
    }

    /** {@link System#nanoTime()} when the control plane last acknowledged this node; 0 before it ever did. */
    @Override
    public long heardNanos() {
        return heardNanos;
    }

    /** The lease TTL the control plane gave this node; 0 before it registered. */
    @Override
    public long leaseTtlMillis() {
        return leaseTtlMs;
    }

    /** The peers the control plane named, to ask whether they still hear it. */
    @Override
    public List<Endpoint> peers() {
        return peers;
    }

    /**
     * Close every map of this node as if the control plane had dropped them all (their players are saved and told
     * MAP_CLOSED), on the thread that applies sets, after any set applied now: the node was cut off, and the control
     * plane has given its maps to others.
     */
    public void dropAll() {
        Threads.executeUnlessClosed(applier, () -> assignments.apply(AssignmentSet.getDefaultInstance()));
    }

    private void open() {
        if (closed) {
            return;
        }
        final long generation = ++streamGeneration;
        registered = false;
        triedInRound++;
        final ManagedChannel channel = channels.get(current);
        // A replica back after a while is tried now, not after the channel's own reconnect backoff.
        channel.resetConnectBackoff();
        stream = (ClientCallStreamObserver<NodeMessage>)
                NodeLinkGrpc.newStub(channel).open(new Responses(generation));
        helloSentNanos = System.nanoTime();
        stream.onNext(NodeMessage.newBuilder()
                .setHello(Hello.newBuilder()
                        .setNode(descriptor)
                        .setAttempt(generation)
                        .addAllRunning(running.get()))
                .build());
    }

    /** On the link thread: leave a replica that does not answer in time for the next one. */
    private void watch() {
        if (closed || stream == null) {
            return;
        }
        final long now = System.nanoTime();
        if (!registered && now - helloSentNanos > deadlines.welcome().toNanos()) {
            leave("no Welcome within " + deadlines.welcome().toMillis() + " ms");
        } else if (registered && now - lastAckNanos > TimeUnit.MILLISECONDS.toNanos(ackDeadlineMs)) {
            leave("no heartbeat ack for " + TimeUnit.NANOSECONDS.toMillis(now - lastAckNanos) + " ms");
        }
    }

    private void leave(final String why) {
        final String replica = registered ? "control plane " + controlPlaneId : "control plane at " + address();
        LOG.warn(
                "leaving {} ({}); trying {}", replica, why, controlPlanes.size() > 1 ? "the next replica" : "it again");
        final long generation = streamGeneration;
        if (registered) {
            endLeft();
            left = stream;
        } else {
            stream.cancel(why, null);
        }
        onBroken(generation, Status.DEADLINE_EXCEEDED.withDescription(why));
    }

    private void endLeft() {
        if (left != null) {
            left.cancel("registered elsewhere", null);
            left = null;
        }
    }

    private HostPort address() {
        return controlPlanes.get(current);
    }

    private void onMessage(final long generation, final ControlMessage message) {
        if (generation != streamGeneration || closed) {
            return;
        }
        switch (message.getBodyCase()) {
            case WELCOME -> {
                registered = true;
                endLeft();
                backoffMs = MIN_BACKOFF_MS;
                triedInRound = 0;
                unreachableLogged = false;
                controlPlaneId = message.getWelcome().getControlplaneId();
                lastAckNanos = System.nanoTime();
                heardNanos = lastAckNanos;
                leaseTtlMs = message.getWelcome().getLeaseTtlMs();
                LOG.info(
                        "registered with control plane {} at {} as node {} (lease {}, ttl {} ms)",
                        controlPlaneId,
                        address(),
                        descriptor.getNodeId(),
                        Long.toHexString(message.getWelcome().getLeaseId()),
                        message.getWelcome().getLeaseTtlMs());
                final long interval = Math.max(50, message.getWelcome().getHeartbeatIntervalMs());
                ackDeadlineMs = deadlines.ackMillis(interval);
                cancelHeartbeats();
                // Fixed delay: after the thread was busy (loading maps), one heartbeat goes out, not a burst of
                // catch-up beats that would run ahead of the acks waiting behind them and count as unanswered.
                heartbeats =
                        thread.scheduleWithFixedDelay(() -> heartbeat(generation), 0, interval, TimeUnit.MILLISECONDS);
            }
            case HEARTBEAT_ACK -> {
                lastAckNanos = System.nanoTime();
                heardNanos = lastAckNanos;
                if (message.getHeartbeatAck().hasPeers()) {
                    peers = List.copyOf(message.getHeartbeatAck().getPeers().getNodesList());
                }
                final long sequence = message.getHeartbeatAck().getSequence();
                if (sequence > 0 && sequence <= heartbeatSequence && heartbeatSequence - sequence < SENT_KEPT) {
                    // The lease granted when this link opened was renewed when this heartbeat arrived.
                    ownership.byRenewal(helloSentNanos, heartbeatSent[(int) (sequence % SENT_KEPT)]);
                }
            }
            case ASSIGNMENTS -> {
                pendingSet.set(message.getAssignments());
                // Whatever this set leaves running here is this node's, said on the link opened by this Hello.
                final long linkOpened = helloSentNanos;
                Threads.executeUnlessClosed(applier, () -> apply(generation, linkOpened));
            }
            case INVITES -> invites.accept(message.getInvites());
            default -> LOG.debug("ignoring control message {}", message.getBodyCase());
        }
    }

    /** On the applier: apply the latest set, then send its acknowledgements from the link thread. */
    private void apply(final long generation, final long linkOpenedNanos) {
        final AssignmentSet set = pendingSet.getAndSet(null);
        if (set == null) {
            return;
        }
        final List<AssignmentAck> acks = assignments.apply(set);
        ownership.bySet(linkOpenedNanos);
        Threads.executeUnlessClosed(thread, () -> {
            // A stream that broke meanwhile loses them: the next link pushes the set again.
            if (generation == streamGeneration && !closed) {
                for (final AssignmentAck ack : acks) {
                    stream.onNext(NodeMessage.newBuilder().setAssignmentAck(ack).build());
                }
            }
        });
    }

    private void heartbeat(final long generation) {
        if (generation != streamGeneration || !registered || closed) {
            return;
        }
        heartbeatSequence++;
        heartbeatSent[(int) (heartbeatSequence % SENT_KEPT)] = System.nanoTime();
        stream.onNext(NodeMessage.newBuilder()
                .setHeartbeat(
                        Heartbeat.newBuilder().setSequence(heartbeatSequence).setLoad(load.get()))
                .build());
    }

    private void onBroken(final long generation, final Status status) {
        if (generation != streamGeneration || closed) {
            return;
        }
        streamGeneration++;
        cancelHeartbeats();
        stream = null;
        final boolean wasRegistered = registered;
        registered = false;
        final String ended = controlPlaneId.isEmpty() ? address().toString() : controlPlaneId;
        controlPlaneId = "";
        current = (current + 1) % controlPlanes.size();
        if (wasRegistered) {
            LOG.warn(
                    "link with the control plane ended ({} left: {}); registering with {}, the node keeps running",
                    ended,
                    describe(status),
                    address());
        } else if (!unreachableLogged || status.getCode() == Status.Code.ALREADY_EXISTS) {
            LOG.warn(
                    "cannot register with the control plane at {} ({}); trying each of {} in turn, with backoff once all"
                            + " failed",
                    ended,
                    describe(status),
                    HostPort.join(controlPlanes));
            unreachableLogged = true;
        }
        if (triedInRound < controlPlanes.size()) {
            thread.execute(this::open);
            return;
        }
        triedInRound = 0;
        final long delay = ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        thread.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private static String describe(final Status status) {
        return status.getDescription() == null
                ? status.getCode().name()
                : status.getCode() + ": " + status.getDescription();
    }

    private void cancelHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
            heartbeats = null;
        }
    }

    /** Say goodbye (the control plane removes the node at once) and stop. */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                        closed = true;
                        cancelHeartbeats();
                        endLeft();
                        if (watch != null) {
                            watch.cancel(false);
                        }
                        if (stream != null && registered) {
                            stream.onNext(NodeMessage.newBuilder()
                                    .setGoodbye(Goodbye.newBuilder().setReason("node shutting down"))
                                    .build());
                            stream.onCompleted();
                        }
                    })
                    .get(2, TimeUnit.SECONDS);
        } catch (final Exception e) {
            LOG.debug("goodbye not sent: {}", e.toString());
        }
        thread.shutdownNow();
        applier.shutdownNow();
        channels.forEach(Channels::close);
    }

    /** Receives one stream's messages and hands them to the link thread, tagged with the stream's generation. */
    private final class Responses implements ClientResponseObserver<NodeMessage, ControlMessage> {
        private final long generation;

        Responses(final long generation) {
            this.generation = generation;
        }

        @Override
        public void beforeStart(final ClientCallStreamObserver<NodeMessage> requestStream) {
            // Flow control stays automatic: the stream carries a few small messages a second.
        }

        @Override
        public void onNext(final ControlMessage message) {
            execute(() -> onMessage(generation, message));
        }

        @Override
        public void onError(final Throwable t) {
            execute(() -> onBroken(generation, Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            execute(() -> onBroken(generation, Status.UNAVAILABLE.withDescription("control plane closed the link")));
        }

        private void execute(final Runnable task) {
            Threads.executeUnlessClosed(thread, task);
        }
    }
}
