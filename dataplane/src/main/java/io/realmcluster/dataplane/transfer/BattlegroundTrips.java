package io.realmcluster.dataplane.transfer;

import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Players of this node on their way into a battleground, by character key: set when a player's accept
 * is taken (a session's event loop), read by the saver for the departure save (which writes the entry
 * point and the match) and by the transfer (which goes straight to the match's instance with the team
 * and the match in its offer), and dropped when the offer lands or is called off. Any thread.
 */
public final class BattlegroundTrips {
    /** Where an accept sends a player: the match, its instance on its node, the battleground's map and the team. */
    public record Trip(String matchId, String instanceId, NodeDescriptor node, int mapId, int team) {
        /** The route to the match's instance, known without asking the control plane. */
        InstanceRoute route() {
            return InstanceRoute.newBuilder()
                    .setInstance(MapInstance.newBuilder()
                            .setInstanceId(instanceId)
                            .setMapId(mapId)
                            .setKind(MapKind.MAP_KIND_BATTLEGROUND)
                            .setNodeId(node.getNodeId()))
                    .setNode(node)
                    .build();
        }
    }

    private final ConcurrentHashMap<Long, Trip> byCharacter = new ConcurrentHashMap<>();

    /** {@code character} (its key) is to go on {@code trip} at its next departure to the trip's map. */
    public void planned(final long character, final Trip trip) {
        byCharacter.put(character, trip);
    }

    /** The trip of a departure of {@code character} to {@code toMapId}, or null when it goes elsewhere. */
    public Trip of(final long character, final int toMapId) {
        final Trip trip = byCharacter.get(character);
        return trip != null && trip.mapId() == toMapId ? trip : null;
    }

    /** The match of a departure of {@code character} to {@code toMapId}, or null: what its departure save writes. */
    public String matchOf(final long character, final int toMapId) {
        final Trip trip = of(character, toMapId);
        return trip == null ? null : trip.matchId();
    }

    /** The trip is over (its offer landed or was called off). */
    public void done(final long character, final Trip trip) {
        byCharacter.remove(character, trip);
    }
}
