package io.realmcluster.dataplane.transfer;

import io.realmcluster.proto.v1.BattlegroundReturn;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Players of this node on their way into a battleground, by character key: set when a player's accept
 * is taken (a session's event loop), read by the saver for the departure save (which writes the entry
 * point and the match) and by the transfer (which goes straight to the match's instance with the team
 * and the match in its offer), and dropped when the offer lands or is called off. Beside them, players on
 * their way home from a battleground ({@link Homeward}): planned once their route is known, read by the
 * transfer (which offers them with what the home node's claim writes), and reported when over. Any thread.
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

    /**
     * A trip home from a battleground's match: the route to the entry point's map (asked before the player was
     * frozen), what the home node's claim writes ({@code back}), and whether it left early (deserted).
     */
    public record Homeward(
            String realm, long characterId, InstanceRoute route, BattlegroundReturn back, boolean deserted) {
        int mapId() {
            return route.getInstance().getMapId();
        }
    }

    /** Hears how each trip home ended. Called on the transfers' threads. */
    public interface HomeOutcomes {
        /** The home node claimed {@code key}'s character: it is home with what {@code trip} carried. */
        void arrived(long key, Homeward trip);

        /** The trip was called off: the player is still in the battleground (or lost, if its node could not tell). */
        void calledOff(long key, Homeward trip);

        HomeOutcomes NONE = new HomeOutcomes() {
            @Override
            public void arrived(final long key, final Homeward trip) {}

            @Override
            public void calledOff(final long key, final Homeward trip) {}
        };
    }

    private final ConcurrentHashMap<Long, Trip> byCharacter = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Homeward> homeward = new ConcurrentHashMap<>();
    private volatile HomeOutcomes outcomes = HomeOutcomes.NONE;

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

    /** {@code character} (its key) goes home on {@code trip} at its next departure to the trip's map. */
    public void plannedHome(final long character, final Homeward trip) {
        homeward.put(character, trip);
    }

    /** The trip home of a departure of {@code character} to {@code toMapId}, or null when it goes elsewhere. */
    public Homeward homeOf(final long character, final int toMapId) {
        final Homeward trip = homeward.get(character);
        return trip != null && trip.mapId() == toMapId ? trip : null;
    }

    /** The trip home of {@code character}, planned or under way, or null. */
    public Homeward homeOf(final long character) {
        return homeward.get(character);
    }

    /** Whether {@code character} has a trip home planned or under way. */
    public boolean goingHome(final long character) {
        return homeward.containsKey(character);
    }

    /** Who hears how trips home end. Set once, at start. */
    public void onHome(final HomeOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    /** The trip home is over: {@code arrived} when the home node claimed the character, else called off. */
    void homeDone(final long character, final Homeward trip, final boolean arrived) {
        if (!homeward.remove(character, trip)) {
            return;
        }
        if (arrived) {
            outcomes.arrived(character, trip);
        } else {
            outcomes.calledOff(character, trip);
        }
    }

    /** A trip home planned that never froze its player (its map had no room for the command): forget it. */
    public void homeDropped(final long character, final Homeward trip) {
        homeward.remove(character, trip);
    }
}
