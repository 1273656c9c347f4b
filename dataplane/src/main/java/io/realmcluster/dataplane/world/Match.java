package io.realmcluster.dataplane.world;

/**
 * A game played on a map beside its simulation (a battleground's match): it hears who joins and
 * leaves, who dies, decides which players may fight each other, and runs once a tick. The tick
 * thread only.
 */
interface Match {
    /** No game: nobody fights players, nothing counts. */
    Match NONE = new Match() {
        @Override
        public void joined(final int slot, final int race, final byte team) {}

        @Override
        public void leaving(final int slot) {}

        @Override
        public void died(final int slot) {}

        @Override
        public boolean hostile(final int attacker, final int victim) {
            return false;
        }

        @Override
        public void tick(final long nowNanos) {}
    };

    /** The player in {@code slot} joined, of vanilla race {@code race}, on {@code team} (an {@code Inputs.TEAM_*}). */
    void joined(int slot, int race, byte team);

    /** The player in {@code slot} is about to leave the map. */
    void leaving(int slot);

    /** The player in {@code slot} was slain (he gets up at once, where he fell). */
    void died(int slot);

    /** Whether the player in {@code attacker} may fight the player in {@code victim} now. */
    boolean hostile(int attacker, int victim);

    /** One tick, at {@code nowNanos} on the map's clock, after the players' and creatures' turns. */
    void tick(long nowNanos);
}
