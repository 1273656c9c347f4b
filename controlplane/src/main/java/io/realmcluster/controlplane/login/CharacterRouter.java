package io.realmcluster.controlplane.login;

import io.realmcluster.proto.v1.Endpoint;

/** Where a character logging in enters the world: the node that runs (or now will run) its map. */
public interface CharacterRouter {
    /** The node, its game-client address and the instance the character enters. */
    record Route(String nodeId, Endpoint client, String instanceId) {}

    /**
     * The route for a character of {@code realm} saved on {@code mapId}. {@code owner} is the group or
     * match an instance of a dungeon, raid or battleground is bound to; empty for continents and for a
     * character saved without one.
     *
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE when no node runs the map yet or the cluster
     *         state cannot be read, RESOURCE_EXHAUSTED when the map's pool is full, NOT_FOUND for an
     *         unknown realm or map; the description names the value
     */
    Route route(String realm, int mapId, String owner);

    /**
     * The same for a character saved at {@code x} (east-west) on its map: on a continent split into cells, the cell
     * of that place. NaN: anywhere on it.
     */
    default Route route(final String realm, final int mapId, final String owner, final float x) {
        return route(realm, mapId, owner);
    }
}
