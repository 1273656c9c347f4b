package io.realmcluster.dataplane.transfer;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.dataplane.store.Departure;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MovePhase;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a departing character goes: through a portal, where the control plane says (or, while it
 * cannot answer, where it last said); with its moving map, to the map's copy on the move's target.
 * Any thread.
 */
final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final int MAX_REMEMBERED_ROUTES = 10_000;

    private final Departures.Router router;
    private final SourceMaps maps;
    /**
     * The last route the control plane gave for each portal and owner, for when it cannot be asked:
     * nodes keep running their maps while the control plane is down, so a player can still go
     * between maps that run (back to its continent, into its group's dungeon again).
     */
    private final Map<String, InstanceRoute> lastRoutes =
            Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, InstanceRoute> eldest) {
                    return size() > MAX_REMEMBERED_ROUTES;
                }
            });

    Routes(final Departures.Router router, final SourceMaps maps) {
        this.router = router;
        this.maps = maps;
    }

    /** The control plane's route, or while it cannot answer, the last one it gave. */
    InstanceRoute route(final int mapId, final String realm, final String owner, final Duration deadline) {
        final String map = mapId + "/" + realm;
        final String key = map + "/" + owner;
        try {
            final InstanceRoute route = router.route(mapId, realm, owner, deadline);
            lastRoutes.put(key, route);
            if (route.getInstance().getKind() == MapKind.MAP_KIND_CONTINENT) {
                // A continent's route is everyone's.
                lastRoutes.put(map, route);
            }
            return route;
        } catch (final StatusRuntimeException e) {
            final InstanceRoute remembered = lastRoutes.getOrDefault(key, lastRoutes.get(map));
            final Status.Code code = e.getStatus().getCode();
            if (remembered == null || code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                throw e;
            }
            LOG.debug(
                    "the control plane does not answer ({}); taking the last route to {}",
                    code,
                    remembered.getInstance().getInstanceId());
            return remembered;
        }
    }

    /**
     * A player handed over as its instance moves: to the instance's copy on the move's target, known
     * without asking.
     *
     * @throws StatusRuntimeException FAILED_PRECONDITION when its map left this node or stopped moving
     */
    InstanceRoute handOver(final Departure departure) {
        final MapInstance assignment = maps.assignment(departure.mapHandle());
        if (assignment == null
                || assignment.getMove().getPhase() != MovePhase.MOVE_PHASE_HANDING_OVER
                || !assignment.getMove().hasToNode()) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("its map is no longer moving")
                    .asRuntimeException();
        }
        // A merge hands its cell's players to another instance, the whole continent; a move to a copy of its own.
        final MapInstance target = assignment.getMove().getToInstanceId().isEmpty()
                ? assignment
                : assignment.toBuilder()
                        .setInstanceId(assignment.getMove().getToInstanceId())
                        .clearCell()
                        .build();
        return InstanceRoute.newBuilder()
                .setInstance(target)
                .setNode(assignment.getMove().getToNode())
                .build();
    }
}
