package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.world.battleground.BattlegroundView;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ServerMessages;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a battleground's players are told of the match (BATTLEGROUND_STATE, see docs/client-protocol.md),
 * through the {@link Outbox}: to every player when the match's view changes and once a second while
 * nothing else does (the time left), and to a player once its WORLD_ENTERED is out. The frame is
 * encoded at most once a tick and sent to each player from the same bytes. The tick thread only.
 */
final class BattlegroundStates {
    /** Wire phases: preparation, running, ended (the end's wait and the way home alike). */
    static final int WIRE_PREPARATION = 0;

    static final int WIRE_RUNNING = 1;
    static final int WIRE_ENDED = 2;

    private final Outbox outbox;
    private final UnsafeBuffer out;
    private final EntityTable entities;
    private final PlayerTable players;
    private final BattlegroundGame game;
    private final int ticksPerSecond;
    /** Per player index: its state is still to be sent, whether or not the others get one this tick. */
    private final boolean[] unsent;
    /** Whether any player's {@link #unsent} is set: a tick with nothing due walks no slots. */
    private boolean anyUnsent;

    private long sentVersion = Long.MIN_VALUE;
    private long nextSecondTick;
    /** The tick whose frame {@link #out} holds, so a tick encodes it once. */
    private long encodedTick = Long.MIN_VALUE;

    private int bodyLength;

    BattlegroundStates(
            final Outbox outbox,
            final EntityTable entities,
            final PlayerTable players,
            final BattlegroundGame game,
            final int ticksPerSecond) {
        this.outbox = outbox;
        this.out = outbox.scratch();
        this.entities = entities;
        this.players = players;
        this.game = game;
        this.ticksPerSecond = ticksPerSecond;
        this.unsent = new boolean[players.slot.length];
    }

    /** The player at {@code player} entered the map: it gets the state right after its WORLD_ENTERED. */
    void joined(final int player) {
        unsent[player] = true;
        anyUnsent = true;
    }

    /**
     * Send what is due at {@code tick}, after every other frame of the tick (they share the outbox's
     * scratch buffer). A frame the full outbox refuses is sent again to that player at the next tick.
     */
    void publish(final long tick) {
        final BattlegroundView view = game.battleground();
        final boolean everyone = view.version() != sentVersion || tick >= nextSecondTick;
        if (everyone) {
            sentVersion = view.version();
            nextSecondTick = tick + ticksPerSecond;
        } else if (!anyUnsent) {
            return;
        }
        boolean left = false;
        final int capacity = entities.capacity();
        final byte[] kind = entities.kind;
        for (int slot = 0; slot < capacity; slot++) {
            if (kind[slot] != EntityTable.PLAYER) {
                continue;
            }
            final int player = players.indexOf(slot);
            if ((everyone || unsent[player]) && !players.enterUnsent[player]) {
                if (encodedTick != tick) {
                    bodyLength = encode(view);
                    encodedTick = tick;
                }
                unsent[player] = !outbox.send(Outbox.FRAME, players.session[player], entities.id[slot], bodyLength);
            } else if (everyone) {
                unsent[player] = true;
            }
            left |= unsent[player];
        }
        anyUnsent = left;
    }

    private int encode(final BattlegroundView view) {
        final int objectives = view.objectives();
        int length = ServerMessages.battlegroundStateHeader(
                out,
                Outbox.BODY_OFFSET,
                view.mapId(),
                wirePhase(view),
                wireSide(view.winner()),
                view.score(Team.ALLIANCE),
                view.score(Team.HORDE),
                view.present(Team.ALLIANCE),
                view.present(Team.HORDE),
                view.millisLeft(),
                objectives);
        for (int i = 0; i < objectives; i++) {
            final long carrier = game.entityOf(view.objectiveCarrier(i));
            length += ServerMessages.battlegroundObjective(
                    out,
                    Outbox.BODY_OFFSET + length,
                    view.objectiveState(i),
                    wireSide(view.objectiveTeam(i)),
                    wireSide(view.objectiveChallenger(i)),
                    view.objectiveX(i),
                    view.objectiveY(i),
                    view.objectiveMillisLeft(i),
                    carrier < 0 ? 0 : carrier);
        }
        return length;
    }

    static int wirePhase(final BattlegroundView view) {
        return switch (view.phase()) {
            case PREPARATION -> WIRE_PREPARATION;
            case RUNNING -> WIRE_RUNNING;
            case ENDED, GO_HOME -> WIRE_ENDED;
        };
    }

    /** A {@link Team} as on the wire: 0 none, 1 Alliance, 2 Horde, 3 draw. */
    static int wireSide(final int team) {
        return team == Team.NONE ? 0 : team + 1;
    }
}
