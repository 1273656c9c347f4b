package io.realmcluster.dataplane.world.battleground;

/** Where a battleground's match stands: gates closed, playing, decided, and everyone sent home. */
public enum Phase {
    /** Gates closed: players gather, the objective does not count yet. */
    PREPARATION,
    /** The objective counts. */
    RUNNING,
    /** A winner (or a draw) is known; players stay a while to see the score. */
    ENDED,
    /** The end's wait is over: every player goes home (the node acts on it). */
    GO_HOME
}
