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
import io.realmcluster.proto.v1.Goodbye;
import io.realmcluster.proto.v1.Heartbeat;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
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
 * Keeps this node registered with the control plane: one link stream to any replica, heartbeats
 * with load reports, and reconnection with capped, jittered backoff when the stream breaks. The node
 * keeps running its maps while the control plane is away.
 *
 * <p>All state is owned by one thread, {@code controlplane-link}; stream callbacks hop onto it.
 */
public final class ControlPlaneLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneLink.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /** Heartbeats the control plane may leave unanswered before the stream is considered dead. */
    private static final int MAX_MISSED_ACKS = 3;

    private final NodeDescriptor descriptor;
    private final List<HostPort> controlPlanes;
    private final Supplier<LoadReport> load;
    private final Function<AssignmentSet, List<AssignmentAck>> assignments;
    private final ManagedChannel channel;
    private final ScheduledExecutorService thread;
    /** Applies assignment sets (loading a map takes a while) off the link thread, whose heartbeats keep the lease. */
    private final ScheduledExecutorService applier;
    /** The latest set not applied yet: sets are whole, so one that arrives meanwhile replaces the one waiting. */
    private final AtomicReference<AssignmentSet> pendingSet = new AtomicReference<>();

    private ClientCallStreamObserver<NodeMessage> stream;
    private long streamGeneration;
    private boolean registered;
    private long heartbeatSequence;
    private long lastAckedSequence;
    private ScheduledFuture<?> heartbeats;
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean unreachableLogged;
    private boolean closed;
    private volatile String controlPlaneId = "";
    /** Hears every set of battleground invites the control plane sends, on the link thread. */
    private volatile Consumer<BattlegroundInvites> invites = set -> {};

    /**
     * @param assignments applies each assignment set the control plane pushes and returns the
     *                    acknowledgements to send back; runs on a thread of its own, one set at a time,
     *                    so that loading maps never holds up the heartbeats
     * @param credentials how the link reaches the control plane (this node's certificate, or plaintext)
     */
    public ControlPlaneLink(
            final NodeDescriptor descriptor,
            final List<HostPort> controlPlanes,
            final Supplier<LoadReport> load,
            final Function<AssignmentSet, List<AssignmentAck>> assignments,
            final ChannelCredentials credentials) {
        this.descriptor = descriptor;
        this.controlPlanes = controlPlanes;
        this.load = load;
        this.assignments = assignments;
        this.channel = Channels.forTargets(controlPlanes, 2, credentials);
        this.thread = Threads.singleThread("controlplane-link");
        this.applier = Threads.singleThread("assignments");
    }

    /** Open the first link; returns at once, registration happens in the background. */
    public void start() {
        thread.execute(this::open);
    }

    /** Where the battleground invites of this node's players go (each a whole set); quick, on the link thread. */
    public void onInvites(final Consumer<BattlegroundInvites> sink) {
        this.invites = sink;
    }

    /** The replica holding the link, empty while disconnected. */
    public String controlPlaneId() {
        return controlPlaneId;
    }

    private void open() {
        if (closed) {
            return;
        }
        final long generation = ++streamGeneration;
        registered = false;
        stream = (ClientCallStreamObserver<NodeMessage>)
                NodeLinkGrpc.newStub(channel).open(new Responses(generation));
        stream.onNext(NodeMessage.newBuilder()
                .setHello(Hello.newBuilder().setNode(descriptor))
                .build());
    }

    private void onMessage(final long generation, final ControlMessage message) {
        if (generation != streamGeneration || closed) {
            return;
        }
        switch (message.getBodyCase()) {
            case WELCOME -> {
                registered = true;
                backoffMs = MIN_BACKOFF_MS;
                unreachableLogged = false;
                controlPlaneId = message.getWelcome().getControlplaneId();
                lastAckedSequence = heartbeatSequence;
                LOG.info(
                        "registered with control plane {} as node {} (lease {}, ttl {} ms)",
                        controlPlaneId,
                        descriptor.getNodeId(),
                        Long.toHexString(message.getWelcome().getLeaseId()),
                        message.getWelcome().getLeaseTtlMs());
                final long interval = Math.max(50, message.getWelcome().getHeartbeatIntervalMs());
                cancelHeartbeats();
                // Fixed delay: after the thread was busy (loading maps), one heartbeat goes out, not a burst of
                // catch-up beats that would run ahead of the acks waiting behind them and count as unanswered.
                heartbeats =
                        thread.scheduleWithFixedDelay(() -> heartbeat(generation), 0, interval, TimeUnit.MILLISECONDS);
            }
            case HEARTBEAT_ACK ->
                lastAckedSequence =
                        Math.max(lastAckedSequence, message.getHeartbeatAck().getSequence());
            case ASSIGNMENTS -> {
                pendingSet.set(message.getAssignments());
                Threads.executeUnlessClosed(applier, () -> apply(generation));
            }
            case INVITES -> invites.accept(message.getInvites());
            default -> LOG.debug("ignoring control message {}", message.getBodyCase());
        }
    }

    /** On the applier: apply the latest set, then send its acknowledgements from the link thread. */
    private void apply(final long generation) {
        final AssignmentSet set = pendingSet.getAndSet(null);
        if (set == null) {
            return;
        }
        final List<AssignmentAck> acks = assignments.apply(set);
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
        if (heartbeatSequence - lastAckedSequence >= MAX_MISSED_ACKS) {
            LOG.warn("control plane {} left {} heartbeats unanswered; reconnecting", controlPlaneId, MAX_MISSED_ACKS);
            stream.cancel("heartbeats unanswered", null);
            onBroken(generation, Status.DEADLINE_EXCEEDED.withDescription("heartbeats unanswered"));
            return;
        }
        stream.onNext(NodeMessage.newBuilder()
                .setHeartbeat(
                        Heartbeat.newBuilder().setSequence(++heartbeatSequence).setLoad(load.get()))
                .build());
    }

    private void onBroken(final long generation, final Status status) {
        if (generation != streamGeneration || closed) {
            return;
        }
        streamGeneration++;
        cancelHeartbeats();
        final boolean wasRegistered = registered;
        registered = false;
        controlPlaneId = "";
        if (wasRegistered) {
            LOG.warn("link with the control plane ended ({}); reconnecting, the node keeps running", describe(status));
        } else if (!unreachableLogged || status.getCode() == Status.Code.ALREADY_EXISTS) {
            LOG.warn(
                    "cannot register with the control plane at {} ({}); retrying with backoff",
                    HostPort.join(controlPlanes),
                    describe(status));
            unreachableLogged = true;
        }
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
        Channels.close(channel);
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
