package io.realmcluster.controlplane.battleground;

import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.QueueSummary;
import io.realmcluster.proto.v1.QueueTicket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The queues as operators read them: per battlegroup, battleground and bracket, who waits and since when. */
public final class QueueSummaries {
    private QueueSummaries() {}

    /** One summary per queue that has tickets, ordered by battlegroup, battleground, bracket. */
    public static List<QueueSummary> of(final List<QueueTicket> tickets) {
        final Map<String, QueueSummary.Builder> queues = new TreeMap<>();
        for (final QueueTicket ticket : tickets) {
            final String key =
                    ticket.getBattlegroup() + "\u0000" + ticket.getBattlegroundValue() + "\u0000" + ticket.getBracket();
            final QueueSummary.Builder queue = queues.computeIfAbsent(
                    key,
                    k -> QueueSummary.newBuilder()
                            .setBattlegroup(ticket.getBattlegroup())
                            .setBattleground(ticket.getBattleground())
                            .setBracket(ticket.getBracket()));
            if (ticket.getFaction() == Faction.FACTION_ALLIANCE) {
                queue.setAllianceWaiting(queue.getAllianceWaiting() + ticket.getMembersCount());
            } else {
                queue.setHordeWaiting(queue.getHordeWaiting() + ticket.getMembersCount());
            }
            if (ticket.getAwaySinceUnixMs() != 0) {
                queue.setAway(queue.getAway() + ticket.getMembersCount());
            }
            if (queue.getOldestJoinedAtUnixMs() == 0 || ticket.getJoinedAtUnixMs() < queue.getOldestJoinedAtUnixMs()) {
                queue.setOldestJoinedAtUnixMs(ticket.getJoinedAtUnixMs());
            }
        }
        final List<QueueSummary> summaries = new ArrayList<>();
        queues.values().forEach(builder -> summaries.add(builder.build()));
        summaries.sort(Comparator.comparing(QueueSummary::getBattlegroup)
                .thenComparingInt(QueueSummary::getBattlegroundValue)
                .thenComparingInt(QueueSummary::getBracket));
        return summaries;
    }
}
