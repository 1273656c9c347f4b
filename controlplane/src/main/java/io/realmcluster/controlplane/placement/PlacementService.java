package io.realmcluster.controlplane.placement;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.PlacementGrpc;

/**
 * The Placement API. Requests are checked here on any replica; only the leader places, and a
 * follower says which replica leads so the caller can go there.
 */
public final class PlacementService extends PlacementGrpc.PlacementImplBase {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private final MapCatalog catalog;
    private final PlacementController controller;
    private final LeaderLookup leaders;

    /** Who leads now, for the message a follower answers with. */
    public interface LeaderLookup {
        String describeLeader();
    }

    public PlacementService(final MapCatalog catalog, final PlacementController controller, final LeaderLookup leaders) {
        this.catalog = catalog;
        this.controller = controller;
        this.leaders = leaders;
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
        final MapDefinition map = catalog.map(request.getMapId()).orElseThrow(() -> Status.NOT_FOUND
            .withDescription("unknown map " + request.getMapId()).asRuntimeException());
        if (!catalog.servesRealm(request.getRealm())) {
            throw Status.NOT_FOUND.withDescription("unknown realm '" + request.getRealm()
                + "'; this control plane serves " + catalog.realms()).asRuntimeException();
        }
        if (map.getKind() == MapKind.MAP_KIND_CONTINENT) {
            throw Status.INVALID_ARGUMENT.withDescription("map " + map.getMapId() + " (" + map.getName()
                + ") is a continent: it always runs and is not created on demand").asRuntimeException();
        }
        if (!OWNER.matcher(request.getOwner()).matches()) {
            throw Status.INVALID_ARGUMENT.withDescription("owner must be 1 to 64 letters, digits or . _ : - "
                + "starting with a letter or digit, got '" + request.getOwner() + "'").asRuntimeException();
        }
        if (request.getPlayers() < 0 || request.getPlayers() > map.getMaxPlayers()) {
            throw Status.INVALID_ARGUMENT.withDescription("map " + map.getMapId() + " holds at most "
                + map.getMaxPlayers() + " players, asked for " + request.getPlayers()).asRuntimeException();
        }
        if (!controller.isLeader()) {
            throw Status.UNAVAILABLE.withDescription("this control plane is not the leader; " + leaders.describeLeader())
                .asRuntimeException();
        }
        final long deadlineMs = Context.current().getDeadline() == null ? DEFAULT_DEADLINE.toMillis()
            : Math.max(1, Context.current().getDeadline().timeRemaining(TimeUnit.MILLISECONDS));
        try {
            return controller.createInstance(map, request.getRealm(), request.getOwner(), request.getPlayers())
                .get(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("placement did not finish within " + deadlineMs + " ms")
                .asRuntimeException();
        } catch (final ExecutionException e) {
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }
}
