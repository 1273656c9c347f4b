package io.realmcluster.controlplane.battleground;

import java.util.Objects;

/**
 * A match of a queue that still takes players, with the players each team has or has been invited
 * for (an invite reserves its seat); a team's free seats are the battleground's team size minus it.
 */
public record RunningMatch(String matchId, int alliance, int horde) {
    public RunningMatch {
        Objects.requireNonNull(matchId, "matchId");
        if (alliance < 0 || horde < 0) {
            throw new IllegalArgumentException("match " + matchId + " has a negative team: " + alliance + "v" + horde);
        }
    }

    public int count(final Faction faction) {
        return faction == Faction.ALLIANCE ? alliance : horde;
    }

    @Override
    public String toString() {
        return matchId + " " + alliance + "v" + horde;
    }
}
