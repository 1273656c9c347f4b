package io.realmcluster.dataplane.world.battleground;

import java.util.ArrayList;
import java.util.List;

/** A battleground's events as text, in order, for tests to read. */
final class Recorded implements BattlegroundEvents {
    final List<String> events = new ArrayList<>();

    @Override
    public void phaseChanged(final Phase phase, final int winner) {
        events.add(phase + (phase == Phase.ENDED ? " " + Team.name(winner) : ""));
    }

    @Override
    public void flagTaken(final int flagTeam, final int player) {
        events.add("taken " + Team.name(flagTeam) + " by " + player);
    }

    @Override
    public void flagDropped(final int flagTeam, final int player) {
        events.add("dropped " + Team.name(flagTeam) + " by " + player);
    }

    @Override
    public void flagReturned(final int flagTeam, final int player) {
        events.add("returned " + Team.name(flagTeam) + " by " + player);
    }

    @Override
    public void flagCaptured(final int flagTeam, final int player) {
        events.add("captured " + Team.name(flagTeam) + " by " + player);
    }

    @Override
    public void baseAssaulted(final int base, final int team, final int player) {
        events.add("assaulted " + BattlegroundMaps.baseName(base) + " by " + Team.name(team));
    }

    @Override
    public void baseTaken(final int base, final int team) {
        events.add("taken " + BattlegroundMaps.baseName(base) + " by " + Team.name(team));
    }
}
