package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.placement.CharacterPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login routing by the placement package's {@link CharacterPlacement}: the continent node of the
 * character's map (instance maps lead to their entrance's continent, so {@code owner} is not used yet).
 */
public final class PlacementRouter implements CharacterRouter {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementRouter.class);
    private final CharacterPlacement placement;

    public PlacementRouter(final CharacterPlacement placement) {
        this.placement = placement;
    }

    @Override
    public Route route(final String realm, final int mapId, final String owner) {
        return route(realm, mapId, owner, Float.NaN);
    }

    @Override
    public Route route(final String realm, final int mapId, final String owner, final float x) {
        final CharacterPlacement.Route route;
        try {
            route = placement.route(realm, mapId, x);
        } catch (final StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                // The continent does not run yet (its node died, or its new node loads it): a resume may wait for it.
                throw new RouteNotReady(realm, mapId, x, e.getStatus().getDescription());
            }
            throw e;
        } catch (final EtcdUnavailableException e) {
            // The player hears that the realm is busy; where etcd is and why it failed is for the log.
            LOG.warn("cannot route a login to map {} of realm {}: {}", mapId, realm, e.getMessage());
            throw Status.UNAVAILABLE
                    .withDescription(
                            "cannot route to map " + mapId + " of realm " + realm + " now; try again in a moment")
                    .asRuntimeException();
        }
        return new Route(route.nodeId(), route.client(), route.instanceId());
    }
}
