package io.realmcluster.controlplane.placement;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.v1.PlacementGrpc;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The Placement API. Requests are checked here on any replica; only the leader places, and a
 * follower forwards what reaches it to the leader, once.
 */
public final class PlacementService extends PlacementGrpc.PlacementImplBase {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private final MapCatalog catalog;
    private final PlacementController controller;
    private final LeaderForwarder forwarder;
    private final ClusterView view;

    public PlacementService(
            final MapCatalog catalog,
            final PlacementController controller,
            final LeaderForwarder forwarder,
            final ClusterView view) {
        this.catalog = catalog;
        this.controller = controller;
        this.forwarder = forwarder;
        this.view = view;
    }

    @Override
    public void route(final CreateInstanceRequest request, final StreamObserver<InstanceRoute> response) {
        try {
            response.onNext(route(request));
            response.onCompleted();
        } catch (final StatusRuntimeException e) {
            response.onError(e);
        }
    }

    /** The instance a portal into the request's map leads to, and its node; a status exception says why not. */
    public InstanceRoute route(final CreateInstanceRequest request) {
        final boolean continent = catalog.map(request.getMapId())
                .map(map -> map.getKind() == MapKind.MAP_KIND_CONTINENT)
                .orElse(false);
        final MapInstance instance;
        final ClusterState state;
        if (continent) {
            if (!catalog.servesRealm(request.getRealm())) {
                throw Status.NOT_FOUND
                        .withDescription("unknown realm '" + request.getRealm() + "'; this control plane serves "
                                + catalog.realms())
                        .asRuntimeException();
            }
            state = read(0);
            instance = state.instances().get(request.getRealm() + "." + request.getMapId());
        } else {
            instance = create(request);
            // The view holds the instance's assignment, placed here or by the leader a follower asked.
            state = read(instance.getEpoch());
        }
        // As the view has it now: a move may be handing the instance's players to another node.
        final MapInstance current =
                instance == null ? null : state.instances().getOrDefault(instance.getInstanceId(), instance);
        final NodeStatus node = current == null ? null : state.nodes().get(ClusterState.entryNode(current));
        if (node == null) {
            throw Status.UNAVAILABLE
                    .withDescription("no live node runs map " + request.getMapId() + " of realm " + request.getRealm()
                            + " now; retry shortly")
                    .asRuntimeException();
        }
        return InstanceRoute.newBuilder()
                .setInstance(current)
                .setNode(node.getNode())
                .build();
    }

    private ClusterState read(final long revision) {
        try {
            return view.atLeast(revision);
        } catch (final EtcdUnavailableException e) {
            throw Status.UNAVAILABLE
                    .withDescription("cannot read the cluster state: " + e.getMessage())
                    .asRuntimeException();
        }
    }

    @Override
    public void createInstance(final CreateInstanceRequest request, final StreamObserver<MapInstance> response) {
        try {
            response.onNext(create(request));
            response.onCompleted();
        } catch (final StatusRuntimeException e) {
            response.onError(e);
        }
    }

    /** Place (or find) the instance; a {@link StatusRuntimeException} says why not. */
    public MapInstance create(final CreateInstanceRequest request) {
        final MapDefinition map = catalog.map(request.getMapId())
                .orElseThrow(() -> Status.NOT_FOUND
                        .withDescription("unknown map " + request.getMapId())
                        .asRuntimeException());
        if (!catalog.servesRealm(request.getRealm())) {
            throw Status.NOT_FOUND
                    .withDescription(
                            "unknown realm '" + request.getRealm() + "'; this control plane serves " + catalog.realms())
                    .asRuntimeException();
        }
        if (map.getKind() == MapKind.MAP_KIND_CONTINENT) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("map " + map.getMapId() + " (" + map.getName()
                            + ") is a continent: it always runs and is not created on demand")
                    .asRuntimeException();
        }
        if (!OWNER.matcher(request.getOwner()).matches()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("owner must be 1 to 64 letters, digits or . _ : - "
                            + "starting with a letter or digit, got '" + request.getOwner() + "'")
                    .asRuntimeException();
        }
        if (request.getPlayers() < 0 || request.getPlayers() > map.getMaxPlayers()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("map " + map.getMapId() + " holds at most " + map.getMaxPlayers()
                            + " players, asked for " + request.getPlayers())
                    .asRuntimeException();
        }
        final long deadlineMs = Context.current().getDeadline() == null
                ? DEFAULT_DEADLINE.toMillis()
                : Math.max(1, Context.current().getDeadline().timeRemaining(TimeUnit.MILLISECONDS));
        if (!controller.isLeader()) {
            LeaderForwarder.refuseIfForwarded();
            return forwarder.createInstance(request, deadlineMs);
        }
        try {
            return controller
                    .createInstance(map, request.getRealm(), request.getOwner(), request.getPlayers())
                    .get(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                    .withDescription("placement did not finish within " + deadlineMs + " ms")
                    .asRuntimeException();
        } catch (final ExecutionException e) {
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }
}
