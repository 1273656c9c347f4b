package io.realmcluster.dataplane.cells;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.world.CellActions;
import io.realmcluster.dataplane.world.CellPart;
import io.realmcluster.dataplane.world.GhostOutbox;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.CellLinkGrpc;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.GhostFrame;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.world.Cells;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams that carry each cell's ghosts to the neighbouring cells of its continent, on whichever nodes they
 * run (see {@code Ghosts}): one gRPC stream per pair of neighbouring cells, opened by the node of the western one
 * to the node of the eastern one (mutual TLS, like the transfers), and carrying both cells' frames. gRPC rather
 * than a transport of its own: the node-to-node trust boundary, flow control and keepalive are those the
 * transfers already have, and a frame a tick per pair is what a stream carries without trouble. A thread of its
 * own takes each cell's newest batch per neighbour as the tick writes it and sends it; frames that arrive go to
 * their cell's ingress as a GHOSTS input. A broken stream is opened again at the next batch; the ghosts it did not
 * carry are late by that much (each batch is the whole band, so nothing is lost for good).
 */
public final class CellLinks extends CellLinkGrpc.CellLinkImplBase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CellLinks.class);
    /** How often the sender looks for new batches: well inside a tick. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final InstanceHost instances;
    private final ChannelCredentials credentials;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Open streams by pair ("local>remote"), whoever opened them; written to by the sender thread only. */
    private final Map<String, StreamObserver<GhostFrame>> links = new ConcurrentHashMap<>();
    /** The other cells of this node's continents that run, by continent and index ("main.0#1"). */
    private volatile Map<String, InstanceRoute> peers = Map.of();

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;

    public CellLinks(final InstanceHost instances, final ChannelCredentials credentials) {
        this.instances = instances;
        this.credentials = credentials;
        this.sender = new Thread(this::run, "cell-links");
        sender.setDaemon(true);
    }

    public CellLinks start() {
        sender.start();
        return this;
    }

    /** An assignment set: the other cells of this node's continents, and their nodes, from now on. */
    public void apply(final AssignmentSet set) {
        final Map<String, InstanceRoute> next = new HashMap<>();
        for (final InstanceRoute peer : set.getCellPeersList()) {
            next.put(
                    key(
                            peer.getInstance().getCell().getContinent(),
                            peer.getInstance().getCell().getIndex()),
                    peer);
        }
        peers = next;
    }

    @Override
    public StreamObserver<GhostFrame> exchange(final StreamObserver<GhostFrame> responses) {
        return new Inbound(responses);
    }

    /** Ghost frames sent, received (given to a cell) and refused (for a cell this node does not run). */
    public long sent() {
        return sent.get();
    }

    public long received() {
        return received.get();
    }

    public long refused() {
        return refused.get();
    }

    private void run() {
        while (!closed) {
            for (final InstanceHost.Running running : instances.snapshot()) {
                final CellPart cell = running.world().cell();
                final GhostOutbox outbox = running.world().ghostOutbox();
                if (cell.whole() || outbox == null || !running.assignment().hasCell()) {
                    continue;
                }
                final String local = running.assignment().getInstanceId();
                final String continent = running.assignment().getCell().getContinent();
                sendNewest(running, outbox, Cells.WEST, local, cell.index(), continent, cell.index() - 1);
                sendNewest(running, outbox, Cells.EAST, local, cell.index(), continent, cell.index() + 1);
            }
            LockSupport.parkNanos(LOOK_EVERY_NANOS);
        }
    }

    private void sendNewest(
            final InstanceHost.Running running,
            final GhostOutbox outbox,
            final int side,
            final String local,
            final int index,
            final String continent,
            final int neighbour) {
        final InstanceRoute peer = peers.get(key(continent, neighbour));
        final StreamObserver<GhostFrame> link = peer == null ? null : linkTo(local, index, peer, neighbour > index);
        batch = null;
        outbox.takeNewest(side, (buffer, offset, length) -> {
            batch = new byte[length];
            buffer.getBytes(offset, batch);
        });
        actions.reset();
        final CellActions cellActions = running.world().cellActions();
        if (cellActions != null) {
            cellActions.drain(side, (type, buffer, offset, length) -> {
                final byte[] record = new byte[length];
                buffer.getBytes(offset, record);
                actions.writeBytes(record);
            });
        }
        if (link == null || (batch == null && actions.size() == 0)) {
            return;
        }
        try {
            link.onNext(GhostFrame.newBuilder()
                    .setFromInstance(local)
                    .setFromIndex(index)
                    .setToInstance(peer.getInstance().getInstanceId())
                    .setBatch(batch == null ? ByteString.EMPTY : ByteString.copyFrom(batch))
                    .setActions(ByteString.copyFrom(actions.toByteArray()))
                    .build());
            sent.incrementAndGet();
        } catch (final RuntimeException e) {
            links.remove(local + ">" + peer.getInstance().getInstanceId(), link);
        }
    }

    /** The sender thread's: the batch taken for the frame being made, and the actions drained for it. */
    private byte[] batch;

    private final java.io.ByteArrayOutputStream actions = new java.io.ByteArrayOutputStream();

    /** The stream to {@code peer}'s cell: open, or opened now when this cell is the western of the two. */
    private StreamObserver<GhostFrame> linkTo(
            final String local, final int index, final InstanceRoute peer, final boolean opens) {
        final String remote = peer.getInstance().getInstanceId();
        final String pair = local + ">" + remote;
        final StreamObserver<GhostFrame> open = links.get(pair);
        if (open != null || !opens) {
            return open;
        }
        final Endpoint node = peer.getNode().getGrpc();
        final ManagedChannel channel = channels.computeIfAbsent(
                node.getHost() + ":" + node.getPort(),
                address -> Channels.forTargets(List.of(HostPort.parse(address)), 10, credentials));
        final Inbound inbound = new Inbound(null);
        final StreamObserver<GhostFrame> out = CellLinkGrpc.newStub(channel).exchange(inbound);
        inbound.pair = pair;
        inbound.out = out;
        links.put(pair, out);
        LOG.info(
                "cell {} links to its neighbour {} on node {}",
                local,
                remote,
                peer.getNode().getNodeId());
        return out;
    }

    /**
     * Where a player of the cell of {@code mapHandle} at {@code x} goes: the other cell of its continent whose strip
     * holds x, and its node ({@link io.realmcluster.dataplane.transfer.Departures.CellRoutes}).
     */
    public InstanceRoute cellAt(final int mapHandle, final float x) {
        final InstanceHost.Running running = instances.byHandle(mapHandle);
        final boolean splitting =
                running != null && running.assignment().getMove().getToCells();
        if (running == null || !running.assignment().hasCell() && !splitting) {
            throw io.grpc.Status.FAILED_PRECONDITION
                    .withDescription("its map is no cell of a split continent, nor splitting (any more)")
                    .asRuntimeException();
        }
        // A cell's own continent; a whole continent splitting is that continent.
        final String continent = running.assignment().hasCell()
                ? running.assignment().getCell().getContinent()
                : running.assignment().getInstanceId();
        final Cells.Strips strips = running.world().cell().whole()
                ? stripsOf(continent, running.assignment().getMapId())
                : running.world().cell().strips();
        final int index = strips == null ? -1 : strips.cellAt(x);
        final InstanceRoute peer = peers.get(key(continent, index));
        if (peer == null) {
            throw io.grpc.Status.UNAVAILABLE
                    .withDescription("cell " + index + " of " + continent + " runs nowhere now")
                    .asRuntimeException();
        }
        return peer;
    }

    /** The strips of the layout {@code continent}'s cells run in, as the cells this node was told of say; or null. */
    private Cells.Strips stripsOf(final String continent, final int mapId) {
        for (final InstanceRoute peer : peers.values()) {
            if (peer.getInstance().getCell().getContinent().equals(continent)) {
                return Cells.strips(mapId, peer.getInstance().getCell().getCount());
            }
        }
        return null;
    }

    /** The cell across the boundary of {@code cell} on {@code side}, and its node; null when it runs nowhere now. */
    public InstanceRoute across(final InstanceHost.Running cell, final int side) {
        if (!cell.assignment().hasCell()) {
            return null;
        }
        final int index = cell.assignment().getCell().getIndex() + (side == Cells.WEST ? -1 : 1);
        return peers.get(key(cell.assignment().getCell().getContinent(), index));
    }

    /** A cell of this node's by its continent and index. */
    private static String key(final String continent, final int index) {
        return continent + "#" + index;
    }

    /** Frames from a neighbour's node: each to its cell's ingress; the stream registered for the way back. */
    private final class Inbound implements StreamObserver<GhostFrame> {
        /** The stream back to the other node (the response stream on the serving side). */
        private StreamObserver<GhostFrame> out;

        private String pair;
        private final UnsafeBuffer input = new UnsafeBuffer(new byte[Inputs.GHOSTS_BATCH + GhostOutbox.MAX_BATCH]);

        Inbound(final StreamObserver<GhostFrame> responses) {
            this.out = responses;
        }

        @Override
        public void onNext(final GhostFrame frame) {
            if (pair == null && out != null) {
                // The serving side: the first frame says which pair this stream is.
                pair = frame.getToInstance() + ">" + frame.getFromInstance();
                links.put(pair, out);
            }
            final InstanceHost.Running running = instances.instance(frame.getToInstance());
            final int length = frame.getBatch().size();
            if (running == null || running.world().cell().whole() || length > GhostOutbox.MAX_BATCH) {
                refused.incrementAndGet();
                return;
            }
            final int side = frame.getFromIndex() < running.world().cell().index() ? Cells.WEST : Cells.EAST;
            input.putByte(Inputs.GHOSTS_SIDE, (byte) side);
            final int actionsLength = frame.getActions().size();
            if (actionsLength > 0 && actionsLength <= GhostOutbox.MAX_BATCH) {
                // Before the batch: the blows were dealt to what the sender saw before this tick's band.
                input.putBytes(Inputs.GHOSTS_BATCH, frame.getActions().asReadOnlyByteBuffer(), actionsLength);
                if (!running.agent()
                        .ingress()
                        .offer(Inputs.GHOST_ACTIONS, input, 0, Inputs.GHOSTS_BATCH + actionsLength)) {
                    refused.incrementAndGet();
                }
            }
            if (length == 0) {
                return;
            }
            input.putBytes(Inputs.GHOSTS_BATCH, frame.getBatch().asReadOnlyByteBuffer(), length);
            if (running.agent().ingress().offer(Inputs.GHOSTS, input, 0, Inputs.GHOSTS_BATCH + length)) {
                received.incrementAndGet();
            } else {
                refused.incrementAndGet();
            }
        }

        @Override
        public void onError(final Throwable t) {
            ended();
        }

        @Override
        public void onCompleted() {
            ended();
        }

        private void ended() {
            if (pair != null) {
                links.remove(pair, out);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        links.values().forEach(link -> {
            try {
                link.onCompleted();
            } catch (final RuntimeException ignored) {
                // Already broken.
            }
        });
        channels.values().forEach(Channels::close);
    }
}
