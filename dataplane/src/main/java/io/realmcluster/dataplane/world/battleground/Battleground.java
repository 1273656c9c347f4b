package io.realmcluster.dataplane.world.battleground;

import java.util.Arrays;

/**
 * One battleground's match, the rules only: driven by the map's tick (time in milliseconds of any
 * monotonic clock), by who joins and leaves on which side, where players stand and who dies. The
 * gates stay closed for the preparation, then the map's objective counts until a side wins; a side
 * under its minimum for long enough loses (both at once: a draw); after the end's wait everyone goes
 * home ({@link Phase#GO_HOME}). Players are indexes below the map's capacity. Allocates nothing
 * once built. The tick thread only.
 */
public final class Battleground implements BattlegroundView {
    private static final long NEVER = Long.MIN_VALUE;

    private final BattlegroundSettings settings;
    private final BattlegroundEvents events;
    private final Objective objective;
    private final int[] side;
    private final float[] x;
    private final float[] y;
    private final int[] present = new int[2];
    private final long[] score = new long[2];
    private final long[] underSince = {NEVER, NEVER};
    private Phase phase = Phase.PREPARATION;
    private long now = NEVER;
    private long phaseAt;
    private int winner = Team.NONE;
    private long version;

    /** A match of {@code settings} for up to {@code maxPlayers} players, told to {@code events}. */
    public Battleground(final BattlegroundSettings settings, final int maxPlayers, final BattlegroundEvents events) {
        this.settings = settings;
        this.events = events;
        side = new int[maxPlayers];
        x = new float[maxPlayers];
        y = new float[maxPlayers];
        Arrays.fill(side, Team.NONE);
        objective = switch (settings.mapId()) {
            case BattlegroundSettings.WARSONG_GULCH -> new WarsongGulch(this, maxPlayers);
            case BattlegroundSettings.ARATHI_BASIN -> new ArathiBasin(this);
            default -> new AlteracValley(this);
        };
        score[Team.ALLIANCE] = objective.startingScore();
        score[Team.HORDE] = objective.startingScore();
    }

    /** {@code player} enters on {@code team} at (px, py); false (nothing changed) for a bad index, side or a player already in. */
    public boolean join(final int player, final int team, final float px, final float py) {
        if (player < 0 || player >= side.length || !Team.isSide(team) || side[player] != Team.NONE) {
            return false;
        }
        side[player] = team;
        x[player] = px;
        y[player] = py;
        present[team]++;
        version++;
        countMinimum(team);
        return true;
    }

    /** {@code player} left the map: what he carried falls where he last stood. */
    public void leave(final int player) {
        if (!in(player)) {
            return;
        }
        final int team = side[player];
        objective.left(player, team, x[player], y[player], now);
        side[player] = Team.NONE;
        present[team]--;
        version++;
        countMinimum(team);
    }

    /** {@code player} stands at (px, py): what he touches counts while the match runs. */
    public void position(final int player, final float px, final float py) {
        if (!in(player)) {
            return;
        }
        x[player] = px;
        y[player] = py;
        if (phase == Phase.RUNNING) {
            objective.touched(player, side[player], px, py, now);
        }
    }

    /** {@code player} died where he last stood: it counts while the match runs. */
    public void died(final int player) {
        if (in(player) && phase == Phase.RUNNING) {
            objective.died(player, side[player], x[player], y[player], now);
        }
    }

    /** Time is now {@code nowMillis}: gates open, timers run out, resources come in, the end's wait ends. */
    public void advance(final long nowMillis) {
        if (now == NEVER) {
            phaseAt = nowMillis;
        }
        now = nowMillis;
        switch (phase) {
            case PREPARATION -> {
                if (now - phaseAt >= settings.preparationMillis()) {
                    enter(Phase.RUNNING);
                    objective.started(now);
                }
            }
            case RUNNING -> objective.advance(now);
            case ENDED -> {
                if (now - phaseAt >= settings.endMillis()) {
                    enter(Phase.GO_HOME);
                }
            }
            case GO_HOME -> {}
        }
        if (phase == Phase.PREPARATION || phase == Phase.RUNNING) {
            checkMinimum();
        }
    }

    /** Start or stop the time {@code team} is under its minimum, from now; a join or leave counts from its moment. */
    private void countMinimum(final int team) {
        if (now == NEVER || phase == Phase.ENDED || phase == Phase.GO_HOME) {
            return;
        }
        if (present[team] >= settings.minimumPerSide()) {
            underSince[team] = NEVER;
        } else if (underSince[team] == NEVER) {
            underSince[team] = now;
        }
    }

    private void checkMinimum() {
        countMinimum(Team.ALLIANCE);
        countMinimum(Team.HORDE);
        final boolean allianceOut = out(Team.ALLIANCE);
        final boolean hordeOut = out(Team.HORDE);
        if (allianceOut || hordeOut) {
            // The side left in may not win without its own minimum either: then nobody does.
            final boolean allianceUnder = underSince[Team.ALLIANCE] != NEVER;
            final boolean hordeUnder = underSince[Team.HORDE] != NEVER;
            win(allianceUnder && hordeUnder ? Team.DRAW : allianceOut ? Team.HORDE : Team.ALLIANCE);
        }
    }

    private boolean out(final int team) {
        return underSince[team] != NEVER && now - underSince[team] >= settings.underMinimumMillis();
    }

    private boolean in(final int player) {
        return player >= 0 && player < side.length && side[player] != Team.NONE;
    }

    private void enter(final Phase next) {
        phase = next;
        phaseAt = now;
        version++;
        events.phaseChanged(next, winner);
    }

    /** The match is decided for {@code team} ({@link Team#DRAW} for nobody); once. */
    void win(final int team) {
        if (phase == Phase.ENDED || phase == Phase.GO_HOME) {
            return;
        }
        winner = team;
        enter(Phase.ENDED);
    }

    /** Add {@code points} to a side's score; its new score. */
    long addScore(final int team, final long points) {
        score[team] += points;
        version++;
        return score[team];
    }

    /** Something an objective shows changed. */
    void changed() {
        version++;
    }

    BattlegroundSettings settings() {
        return settings;
    }

    BattlegroundEvents events() {
        return events;
    }

    /** The side of {@code player}, or {@link Team#NONE} when he is not on the map. */
    public int team(final int player) {
        return player >= 0 && player < side.length ? side[player] : Team.NONE;
    }

    /** Whether the objective counts now, so players may fight: the gates are open and nobody has won. */
    public boolean running() {
        return phase == Phase.RUNNING;
    }

    @Override
    public int mapId() {
        return settings.mapId();
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public int winner() {
        return winner;
    }

    @Override
    public long score(final int team) {
        return score[team];
    }

    @Override
    public int present(final int team) {
        return present[team];
    }

    @Override
    public long millisLeft() {
        if (now == NEVER) {
            return phase == Phase.PREPARATION ? settings.preparationMillis() : 0;
        }
        return switch (phase) {
            case PREPARATION -> Math.max(0, settings.preparationMillis() - (now - phaseAt));
            case ENDED -> Math.max(0, settings.endMillis() - (now - phaseAt));
            default -> 0;
        };
    }

    @Override
    public long millisUnderMinimum(final int team) {
        return underSince[team] == NEVER ? 0 : now - underSince[team];
    }

    @Override
    public int objectives() {
        return objective.state.length;
    }

    @Override
    public int objectiveState(final int index) {
        return objective.state[index];
    }

    @Override
    public int objectiveTeam(final int index) {
        return objective.team[index];
    }

    @Override
    public int objectiveChallenger(final int index) {
        return objective.challenger[index];
    }

    @Override
    public int objectiveCarrier(final int index) {
        return objective.carrier[index];
    }

    @Override
    public float objectiveX(final int index) {
        return objective.x[index];
    }

    @Override
    public float objectiveY(final int index) {
        return objective.y[index];
    }

    @Override
    public long objectiveMillisLeft(final int index) {
        return objective.timed(index) ? Math.max(0, objective.until[index] - now) : 0;
    }

    @Override
    public long version() {
        return version;
    }
}
