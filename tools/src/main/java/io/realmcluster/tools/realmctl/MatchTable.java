package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.SeatState;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** How realmctl shows battleground matches: a table of them, or one with its seats. */
final class MatchTable {
    private MatchTable() {}

    /** {@code realmctl get battlegrounds}. */
    static void print(final List<BattlegroundMatch> matches, final PrintStream out) {
        if (matches.isEmpty()) {
            out.println("No battleground matches.");
            return;
        }
        final Table table = new Table(
                "MATCH",
                "BATTLEGROUND",
                "BRACKET",
                "INSTANCE",
                "NODE",
                "REALMS",
                "ALLIANCE",
                "HORDE",
                "STATE",
                "SCORE");
        for (final BattlegroundMatch match : matches) {
            table.row(
                    match.getMatchId(),
                    battleground(match.getBattleground()),
                    match.getBracket(),
                    or(match.getInstanceId()),
                    or(match.getNodeId()),
                    String.join(",", realms(match)),
                    held(match, Faction.FACTION_ALLIANCE),
                    held(match, Faction.FACTION_HORDE),
                    state(match),
                    score(match));
        }
        table.print(out);
    }

    /** {@code realmctl describe battleground ID}. */
    static void describe(final BattlegroundMatch match, final PrintStream out) {
        final long now = System.currentTimeMillis();
        out.printf("Match:         %s%n", match.getMatchId());
        out.printf("Battleground:  %s (bracket %d)%n", battleground(match.getBattleground()), match.getBracket());
        out.printf("Battlegroup:   %s%n", match.getBattlegroup());
        out.printf("State:         %s%n", state(match));
        out.printf("Instance:      %s on node %s%n", or(match.getInstanceId()), or(match.getNodeId()));
        out.printf("Proposed:      %s%n", Instant.ofEpochMilli(match.getProposedAtUnixMs()));
        if (match.getEndedAtUnixMs() != 0) {
            out.printf("Ended:         %s%n", Instant.ofEpochMilli(match.getEndedAtUnixMs()));
        }
        out.printf("Score:         %s%n", score(match));
        out.printf(
                "Teams:         %d Alliance v %d Horde%n",
                held(match, Faction.FACTION_ALLIANCE), held(match, Faction.FACTION_HORDE));
        final Table seats = new Table("PLAYER", "TEAM", "STATE", "DEADLINE", "NODE");
        for (final MatchSeat seat : match.getSeatsList()) {
            seats.row(
                    (seat.getPlayer().getName().isEmpty()
                                    ? "character " + seat.getPlayer().getCharacterId()
                                    : seat.getPlayer().getName())
                            + "-" + seat.getPlayer().getRealm(),
                    seat.getTeam() == Faction.FACTION_ALLIANCE ? "Alliance" : "Horde",
                    seatState(seat, now),
                    seat.getState() == SeatState.SEAT_STATE_INVITED
                            ? Math.max(0, (seat.getInviteDeadlineUnixMs() - now) / 1000) + "s left"
                            : "-",
                    or(seat.getNodeId()));
        }
        seats.print(out);
    }

    /**
     * The match's result as its battleground's node reported it, Alliance's score first as the columns:
     * "1-3 Horde", "2-2 draw"; "-" while it runs or when its node was lost.
     */
    static String score(final BattlegroundMatch match) {
        final String score = match.getAllianceScore() + "-" + match.getHordeScore();
        if (match.getDraw()) {
            return score + " draw";
        }
        return switch (match.getWinner()) {
            case FACTION_ALLIANCE -> score + " Alliance";
            case FACTION_HORDE -> score + " Horde";
            default -> "-";
        };
    }

    /** A seat's state, with how long an entered player has been disconnected, or that a leaver deserted. */
    private static String seatState(final MatchSeat seat, final long now) {
        final String state = seat.getState().name().replace("SEAT_STATE_", "").toLowerCase(Locale.ROOT);
        if (seat.getState() == SeatState.SEAT_STATE_ENTERED && seat.getDisconnectedAtUnixMs() > 0) {
            return state + " (disconnected " + Math.max(0, (now - seat.getDisconnectedAtUnixMs()) / 1000) + "s ago)";
        }
        return seat.getDeserted() ? state + " (deserted)" : state;
    }

    private static List<String> realms(final BattlegroundMatch match) {
        final TreeSet<String> realms = new TreeSet<>();
        match.getSeatsList().forEach(s -> realms.add(s.getPlayer().getRealm()));
        return List.copyOf(realms);
    }

    /** Seats a team holds: proposed, invited, accepted or entered. */
    private static long held(final BattlegroundMatch match, final Faction team) {
        return match.getSeatsList().stream()
                .filter(s -> s.getTeam() == team)
                .filter(s -> switch (s.getState()) {
                    case SEAT_STATE_PROPOSED, SEAT_STATE_INVITED, SEAT_STATE_ACCEPTED, SEAT_STATE_ENTERED -> true;
                    default -> false;
                })
                .count();
    }

    static String battleground(final BattlegroundType type) {
        return type.name().replace("BATTLEGROUND_TYPE_", "").replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    private static String state(final BattlegroundMatch match) {
        return match.getState().name().replace("MATCH_STATE_", "").toLowerCase(Locale.ROOT);
    }

    private static String or(final String value) {
        return value.isEmpty() ? "-" : value;
    }
}
