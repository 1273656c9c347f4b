package io.realmcluster.dataplane.world.battleground;

/**
 * What happens in a battleground's match, as it happens, for whoever tells players or acts on it
 * (the map's log, the sender of scores, the node that sends everyone home). Players are indexes on
 * the map. Called on the tick thread; an implementation must not block or allocate per call.
 */
public interface BattlegroundEvents {
    /** Hears nothing. */
    BattlegroundEvents NONE = new BattlegroundEvents() {};

    /** The match entered {@code phase}; {@code winner} is set from {@link Phase#ENDED} on. */
    default void phaseChanged(Phase phase, int winner) {}

    /** {@code player} took the flag of {@code flagTeam}, from its base or from the ground. */
    default void flagTaken(int flagTeam, int player) {}

    /** The flag of {@code flagTeam} fell where {@code player} died or left. */
    default void flagDropped(int flagTeam, int player) {}

    /** The flag of {@code flagTeam} went home, touched by {@code player} or by itself ({@link Team#NONE}). */
    default void flagReturned(int flagTeam, int player) {}

    /** {@code player} brought home the flag of {@code flagTeam}: a point for the other side. */
    default void flagCaptured(int flagTeam, int player) {}

    /** {@code player} of {@code team} assaults base {@code base}. */
    default void baseAssaulted(int base, int team, int player) {}

    /** Base {@code base} is {@code team}'s after its assault. */
    default void baseTaken(int base, int team) {}
}
