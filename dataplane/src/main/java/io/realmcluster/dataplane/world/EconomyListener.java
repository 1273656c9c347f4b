package io.realmcluster.dataplane.world;

/**
 * Hears every change of persistent state a map makes (money looted, experience gained), on the
 * tick thread: implementations hand it on without blocking (the save path makes it durable).
 */
public interface EconomyListener {
    EconomyListener NONE = new EconomyListener() {
        @Override
        public void moneyLooted(final long playerId, final long corpseId, final long copper) {
            // Nobody listens.
        }

        @Override
        public void experienceGained(final long playerId, final int experience) {
            // Nobody listens.
        }
    };

    void moneyLooted(long playerId, long corpseId, long copper);

    void experienceGained(long playerId, int experience);
}
