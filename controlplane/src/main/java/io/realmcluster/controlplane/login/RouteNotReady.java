package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * UNAVAILABLE because the map a character enters does not run yet: its node just died and the leader is moving
 * it, or its new node is loading it. A caller may answer it as it is, or wait for the route ({@link RouteWaits}).
 */
public final class RouteNotReady extends StatusRuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RouteWaits.Key key;

    /** {@code description} says which map and why, for the client. */
    public RouteNotReady(final String realm, final int mapId, final String description) {
        this(realm, mapId, Float.NaN, description);
    }

    /** The same for a place {@code x} on the map (a cell of a split continent); NaN: anywhere on it. */
    public RouteNotReady(final String realm, final int mapId, final float x, final String description) {
        super(Status.UNAVAILABLE.withDescription(description), null);
        this.key = new RouteWaits.Key(realm, mapId, x);
    }

    /** The realm and map whose route is awaited. */
    RouteWaits.Key key() {
        return key;
    }
}
