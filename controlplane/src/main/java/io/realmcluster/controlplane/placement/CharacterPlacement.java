package io.realmcluster.controlplane.placement;

import io.grpc.Status;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.world.Portals;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a character enters the world at login: the node that runs its map. A character saved on
 * a continent goes to that continent's node; one saved inside a dungeon, raid or battleground
 * comes back at its continent (the instance it left may be gone), as in the vanilla game's
 * entrance rule. Any replica answers from its watched view of etcd ({@link ClusterView}); no leadership is
 * needed to read. While etcd is unreachable it answers from the view as last seen: the continents ran there
 * then, and a node's claim in the database fences whatever changed since, so a stale route costs the client
 * a retry, never a character.
 */
public final class CharacterPlacement {
    /** The node, its game-client address and the instance a character enters. */
    public record Route(String nodeId, Endpoint client, String instanceId) {}

    private static final Logger LOG = LoggerFactory.getLogger(CharacterPlacement.class);

    private final ClusterView view;
    private final MapCatalog catalog;
    private final AtomicBoolean stale = new AtomicBoolean();

    public CharacterPlacement(final ClusterView view, final MapCatalog catalog) {
        this.view = view;
        this.catalog = catalog;
    }

    /**
     * The route for a character of {@code realm} saved on {@code mapId}.
     *
     * @throws io.grpc.StatusRuntimeException NOT_FOUND for an unknown realm or map, UNAVAILABLE
     *         when no live node runs the continent yet.
     */
    public Route route(final String realm, final int mapId) {
        return route(realm, mapId, Float.NaN);
    }

    /**
     * The same for a character saved at {@code x} (east-west) on its map: on a continent split into cells, the
     * cell of that place (of the entrance, for a character saved inside an instance); NaN: the continent's middle.
     */
    public Route route(final String realm, final int mapId, final float x) {
        if (!catalog.servesRealm(realm)) {
            throw Status.NOT_FOUND
                    .withDescription("unknown realm '" + realm + "'; this control plane serves " + catalog.realms())
                    .asRuntimeException();
        }
        final MapDefinition map = catalog.map(mapId)
                .orElseThrow(() ->
                        Status.NOT_FOUND.withDescription("unknown map " + mapId).asRuntimeException());
        final boolean onContinent = map.getKind() == MapKind.MAP_KIND_CONTINENT;
        final int continent = onContinent ? mapId : entranceContinent(mapId);
        final float atX = onContinent
                ? x
                : Portals.entranceTo(mapId).map(Portals.Portal::x).orElse(Float.NaN);
        final ClusterState state = state();
        final String instanceId = state.continentInstanceAt(realm + "." + continent, continent, atX);
        final MapInstance instance = state.instances().get(instanceId);
        final NodeStatus node = instance == null ? null : state.nodes().get(ClusterState.entryNode(instance));
        if (node == null) {
            throw Status.UNAVAILABLE
                    .withDescription("no live node runs continent " + instanceId + " yet; retry shortly")
                    .asRuntimeException();
        }
        if (state.observed(instance).getState() != InstanceState.INSTANCE_STATE_ACTIVE) {
            throw Status.UNAVAILABLE
                    .withDescription("continent " + instanceId + " is loading on node " + instance.getNodeId()
                            + "; retry shortly")
                    .asRuntimeException();
        }
        return new Route(node.getNode().getNodeId(), node.getNode().getClient(), instanceId);
    }

    /** The view, or while etcd is unreachable the view as last seen (said once per outage). */
    private ClusterState state() {
        try {
            final ClusterState current = view.current();
            if (stale.compareAndSet(true, false)) {
                LOG.info("etcd answers again: logins are routed from the current cluster state");
            }
            return current;
        } catch (final EtcdUnavailableException e) {
            final ClusterState last = view.lastKnown();
            if (last == null) {
                throw e;
            }
            if (stale.compareAndSet(false, true)) {
                LOG.warn(
                        "routing logins from the cluster state last seen (revision {}) while etcd is unreachable: {}",
                        last.revision(),
                        e.getMessage());
            }
            return last;
        }
    }

    /** The continent whose entrance leads into an instance map: Kalimdor's or the Eastern Kingdoms'. */
    static int entranceContinent(final int instanceMapId) {
        return switch (instanceMapId) {
            // Entrances in Kalimdor: Ragefire Chasm, Wailing Caverns, Blackfathom Deeps, Razorfen Kraul,
            // Razorfen Downs, Zul'Farrak, Maraudon, Dire Maul, Onyxia's Lair, both Ahn'Qiraj, Warsong Gulch.
            case 389, 43, 48, 47, 129, 209, 349, 429, 249, 509, 531, 489 -> 1;
            default -> 0;
        };
    }
}
