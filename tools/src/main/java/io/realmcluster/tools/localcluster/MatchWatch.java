package io.realmcluster.tools.localcluster;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.MatchState;
import io.realmcluster.proto.v1.SeatState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The local cluster's view of battleground matches, from the control plane's ListMatches: a line
 * when a match pops (battleground, bracket, players per realm) and when it ends (the winner and the
 * scores the battleground's node reported, the seats that entered per realm, the length), each once,
 * and the counts for the summary. Updated on the local cluster's main
 * thread; the counts are read by any (the summary at a stop).
 */
final class MatchWatch {
    private final Set<String> popped = new HashSet<>();
    private final Set<String> ended = new HashSet<>();
    private volatile int poppedCount;
    private volatile int endedCount;

    /** The lines to print for what {@code matches} shows that was not seen before. */
    List<String> update(final List<BattlegroundMatch> matches) {
        final List<String> lines = new ArrayList<>();
        for (final BattlegroundMatch match : matches) {
            if (popped.add(match.getMatchId())) {
                lines.add("local-cluster: match " + match.getMatchId() + " popped: " + name(match) + ", players "
                        + perRealm(match, false) + " (" + team(match, Faction.FACTION_ALLIANCE) + " Alliance v "
                        + team(match, Faction.FACTION_HORDE) + " Horde)");
            }
            if (match.getState() == MatchState.MATCH_STATE_ENDED && ended.add(match.getMatchId())) {
                final long seconds = Math.max(0, (match.getEndedAtUnixMs() - match.getProposedAtUnixMs()) / 1000);
                lines.add(String.format(
                        Locale.ROOT,
                        "local-cluster: match %s ended: %s, %s (players who entered: %s), after %dm %02ds",
                        match.getMatchId(),
                        name(match),
                        outcome(match),
                        perRealm(match, true),
                        seconds / 60,
                        seconds % 60));
            }
        }
        poppedCount = popped.size();
        endedCount = ended.size();
        return lines;
    }

    int popped() {
        return poppedCount;
    }

    int ended() {
        return endedCount;
    }

    static String name(final BattlegroundMatch match) {
        final String bg = switch (match.getBattleground()) {
            case BATTLEGROUND_TYPE_WARSONG_GULCH -> "Warsong Gulch";
            case BATTLEGROUND_TYPE_ARATHI_BASIN -> "Arathi Basin";
            case BATTLEGROUND_TYPE_ALTERAC_VALLEY -> "Alterac Valley";
            default -> match.getBattleground().name();
        };
        final int low = match.getBracket();
        return bg + " " + low + (low >= 60 ? "" : "-" + Math.min(60, low / 10 * 10 + 9 + (low % 10 == 0 ? 0 : 10)));
    }

    /**
     * How the game ended, the winner's score first ("Horde won 3-1", "a draw 2-2"); "no result (node lost)"
     * when the battleground's node reported none, which it does for every match it plays to the end.
     */
    static String outcome(final BattlegroundMatch match) {
        final long alliance = match.getAllianceScore();
        final long horde = match.getHordeScore();
        if (match.getDraw()) {
            return "a draw " + alliance + "-" + horde;
        }
        return switch (match.getWinner()) {
            case FACTION_ALLIANCE -> "Alliance won " + alliance + "-" + horde;
            case FACTION_HORDE -> "Horde won " + horde + "-" + alliance;
            default -> "no result (node lost)";
        };
    }

    /** Seats per realm ("main 10, second 10"): every seat of the match, or only those that entered it. */
    private static String perRealm(final BattlegroundMatch match, final boolean enteredOnly) {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final MatchSeat seat : match.getSeatsList()) {
            if (!enteredOnly || entered(seat)) {
                counts.merge(seat.getPlayer().getRealm(), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            return "none";
        }
        final StringBuilder text = new StringBuilder();
        counts.forEach((realm, n) -> text.append(text.isEmpty() ? "" : ", ")
                .append(realm)
                .append(' ')
                .append(n));
        return text.toString();
    }

    private static boolean entered(final MatchSeat seat) {
        return seat.getState() == SeatState.SEAT_STATE_ENTERED || seat.getState() == SeatState.SEAT_STATE_LEFT;
    }

    private static long team(final BattlegroundMatch match, final Faction side) {
        return match.getSeatsList().stream().filter(s -> s.getTeam() == side).count();
    }
}
