package io.realmcluster.dataplane.world.battleground;

/**
 * A battleground's match as the players are to be shown it, flat and allocation-free: the phase,
 * the winner, each side's score and presence, the time left, and each objective (Warsong Gulch's
 * two flags, Arathi Basin's five bases) by index. {@link #version()} changes whenever anything but
 * the time left does, so a sender can tell when to send the score again. The tick thread only.
 */
public interface BattlegroundView {
    /** No player, no team. */
    int NONE = Team.NONE;

    /** A flag at its side's base. */
    int FLAG_AT_BASE = 0;
    /** A flag carried by an enemy of its side ({@link #objectiveCarrier}). */
    int FLAG_CARRIED = 1;
    /** A flag lying where its carrier died, until it is returned or picked up again ({@link #objectiveMillisLeft}). */
    int FLAG_DROPPED = 2;

    /** A base nobody holds. */
    int BASE_NEUTRAL = 0;
    /** A base being assaulted ({@link #objectiveChallenger}): it gives nobody resources until it is taken. */
    int BASE_CONTESTED = 1;
    /** A base held by {@link #objectiveTeam}, giving it resources. */
    int BASE_CONTROLLED = 2;

    /** The battleground's map: 489 Warsong Gulch, 529 Arathi Basin, 30 Alterac Valley. */
    int mapId();

    Phase phase();

    /** {@link Team#ALLIANCE}, {@link Team#HORDE} or {@link Team#DRAW} once decided, {@link #NONE} before. */
    int winner();

    /** A side's score: flags captured (Warsong Gulch), resources (Arathi Basin), reinforcements left (Alterac Valley). */
    long score(int team);

    /** Players of a side on the map. */
    int present(int team);

    /** Milliseconds until the gates open (preparation) or everyone goes home (ended); 0 otherwise. */
    long millisLeft();

    /** Milliseconds a side has been under its minimum, 0 while it has enough players. */
    long millisUnderMinimum(int team);

    /** The objectives on this map: 2 flags (Warsong Gulch, indexed by their side), 5 bases (Arathi Basin), none. */
    int objectives();

    /** A flag's {@code FLAG_*} or a base's {@code BASE_*} state. */
    int objectiveState(int index);

    /** The side a flag belongs to; the side holding a base, or {@link #NONE}. */
    int objectiveTeam(int index);

    /** The side assaulting a contested base, else {@link #NONE}. */
    int objectiveChallenger(int index);

    /** The player (index on the map) carrying a flag, else {@link #NONE}. */
    int objectiveCarrier(int index);

    /** Where the objective is now: a flag follows its carrier and lies where it was dropped. */
    float objectiveX(int index);

    float objectiveY(int index);

    /** Milliseconds until a dropped flag returns by itself or a contested base is taken; 0 otherwise. */
    long objectiveMillisLeft(int index);

    /** A number that changes with every change of what this view shows, except the time left. */
    long version();
}
