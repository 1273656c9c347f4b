package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.world.battleground.Battleground;
import io.realmcluster.dataplane.world.battleground.BattlegroundEvents;
import io.realmcluster.dataplane.world.battleground.BattlegroundResult;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.Phase;
import io.realmcluster.dataplane.world.battleground.Team;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A battleground's match played on its map: each player's side from his JOIN (or his race), his
 * position every tick, his deaths from combat, and the time from the map's clock go to the rules
 * ({@link Battleground}); players fight the other side while the match runs. It logs the match's
 * phases, tells the players the match ({@link BattlegroundStates}) and publishes when everyone is to
 * go home. The tick thread only, except {@link #goHome()}.
 */
final class BattlegroundGame implements Match, BattlegroundEvents {
    private static final Logger LOG = LoggerFactory.getLogger(BattlegroundGame.class);

    private final int mapId;
    private final EntityTable entities;
    private final PlayerTable players;
    private final Battleground battleground;
    private final int maxPlayers;
    private final BattlegroundStates states;
    /** "battleground 489", made once: the prefix of the rare objective lines (a capture, a base taken). */
    private final String name;
    /** Written by the tick thread once the end's wait is over; polled by the node. */
    private volatile boolean goHome;
    /** Written by the tick thread once, when the match is decided; polled by the node. */
    private volatile BattlegroundResult result;

    BattlegroundGame(
            final BattlegroundSettings settings,
            final int mapId,
            final EntityTable entities,
            final PlayerTable players,
            final Outbox outbox,
            final int ticksPerSecond) {
        this.mapId = mapId;
        this.name = "battleground " + mapId;
        this.entities = entities;
        this.players = players;
        this.maxPlayers = players.slot.length;
        this.battleground = new Battleground(settings, maxPlayers, this);
        this.states = new BattlegroundStates(outbox, entities, players, this, ticksPerSecond);
    }

    @Override
    public void joined(final int slot, final int race, final byte team) {
        final int side = switch (team) {
            case Inputs.TEAM_ALLIANCE -> Team.ALLIANCE;
            case Inputs.TEAM_HORDE -> Team.HORDE;
            default -> Team.ofRace(race);
        };
        battleground.join(players.indexOf(slot), side, entities.x[slot], entities.y[slot]);
        states.joined(players.indexOf(slot));
    }

    @Override
    public void leaving(final int slot) {
        battleground.leave(players.indexOf(slot));
    }

    @Override
    public void died(final int slot) {
        final int player = players.indexOf(slot);
        battleground.position(player, entities.x[slot], entities.y[slot]);
        battleground.died(player);
    }

    @Override
    public boolean hostile(final int attacker, final int victim) {
        if (!battleground.running()) {
            return false;
        }
        final int side = battleground.team(players.indexOf(attacker));
        final int other = battleground.team(players.indexOf(victim));
        return side != Team.NONE && other != Team.NONE && side != other;
    }

    @Override
    public void tick(final long nowNanos) {
        battleground.advance(nowNanos / 1_000_000);
        final int[] slotOf = players.slot;
        for (int player = 0; player < maxPlayers; player++) {
            if (battleground.team(player) != Team.NONE) {
                final int slot = slotOf[player];
                battleground.position(player, entities.x[slot], entities.y[slot]);
            }
        }
    }

    @Override
    public void flagCaptured(final int flagTeam, final int player) {
        // A few times a match: the operator sees the play come to its end.
        LOG.info("{}: the {} captured a flag", name, Team.name(Team.enemyOf(flagTeam)));
    }

    @Override
    public void baseTaken(final int base, final int team) {
        LOG.info("{}: the {} took a base", name, Team.name(team));
    }

    @Override
    public void phaseChanged(final Phase phase, final int winner) {
        switch (phase) {
            case RUNNING ->
                LOG.info(
                        "battleground {}: the gates open, {} Alliance and {} Horde players",
                        mapId,
                        battleground.present(Team.ALLIANCE),
                        battleground.present(Team.HORDE));
            case ENDED -> {
                // Once a match: the one allocation of its end.
                result = new BattlegroundResult(
                        winner, battleground.score(Team.ALLIANCE), battleground.score(Team.HORDE));
                LOG.info(
                        "battleground {}: ended, winner {}, score {} to {} (Alliance to Horde)",
                        mapId,
                        Team.name(winner),
                        battleground.score(Team.ALLIANCE),
                        battleground.score(Team.HORDE));
            }
            case GO_HOME -> {
                LOG.info("battleground {}: everyone goes home", mapId);
                goHome = true;
            }
            default -> {}
        }
    }

    /** Tell the players the match when due (see {@link BattlegroundStates}), after every other frame of the tick. */
    void publish(final long tick) {
        states.publish(tick);
    }

    /** The entity id of the player at index {@code player} on this map, or -1 when there is none. */
    long entityOf(final int player) {
        return player < 0 || player >= maxPlayers || battleground.team(player) == Team.NONE
                ? -1
                : entities.id[players.slot[player]];
    }

    Battleground battleground() {
        return battleground;
    }

    /** How the match ended, or null while it is not decided. Any thread. */
    BattlegroundResult result() {
        return result;
    }

    /** Whether the match is over and its wait too: every player is to go home. Any thread. */
    boolean goHome() {
        return goHome;
    }
}
