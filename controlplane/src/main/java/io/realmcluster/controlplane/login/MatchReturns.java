package io.realmcluster.controlplane.login;

/**
 * Where a login of a character saved in a battleground's match goes: back into the match's instance
 * (a disconnect within the grace), or home to its entry point, with Deserter when it deserted.
 */
@FunctionalInterface
public interface MatchReturns {
    /** Every such login goes home, with no Deserter (a replica that keeps no matches). */
    MatchReturns HOME = (realm, characterId, matchId) -> Return.home(0);

    /** The way back: a route into the match's instance, or none (home) with when Deserter runs out (0: none). */
    record Return(CharacterRouter.Route route, long deserterUntilMillis) {
        public static Return home(final long deserterUntilMillis) {
            return new Return(null, deserterUntilMillis);
        }

        public boolean rejoins() {
            return route != null;
        }
    }

    /** For {@code (realm, characterId)}, saved in the match {@code matchId}. */
    Return of(String realm, long characterId, String matchId);
}
