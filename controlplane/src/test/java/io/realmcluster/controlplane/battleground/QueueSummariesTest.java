package io.realmcluster.controlplane.battleground;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.QueueSummary;
import io.realmcluster.proto.v1.QueueTicket;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueSummariesTest {
    private static QueueTicket ticket(
            final String group,
            final BattlegroundType bg,
            final int bracket,
            final Faction faction,
            final int members,
            final long joined) {
        final QueueTicket.Builder ticket = QueueTicket.newBuilder()
                .setBattlegroup(group)
                .setBattleground(bg)
                .setBracket(bracket)
                .setFaction(faction)
                .setJoinedAtUnixMs(joined);
        for (int i = 0; i < members; i++) {
            ticket.addMembers(QueuedPlayer.newBuilder().setRealm("main").setCharacterId(joined * 10 + i));
        }
        return ticket.build();
    }

    @Test
    void playersAreCountedPerFactionAndTheOldestTicketGivesTheWait() {
        final List<QueueSummary> summaries = QueueSummaries.of(List.of(
                ticket("ruin", BattlegroundType.BATTLEGROUND_TYPE_ARATHI_BASIN, 60, Faction.FACTION_HORDE, 1, 300),
                ticket("ruin", BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, 60, Faction.FACTION_HORDE, 5, 200),
                ticket("ruin", BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, 60, Faction.FACTION_ALLIANCE, 1, 100),
                ticket("ruin", BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, 20, Faction.FACTION_ALLIANCE, 1, 400),
                ticket("alpha", BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH, 60, Faction.FACTION_HORDE, 1, 50)));
        assertThat(summaries)
                .extracting(
                        QueueSummary::getBattlegroup,
                        s -> s.getBattleground().getNumber(),
                        QueueSummary::getBracket,
                        QueueSummary::getAllianceWaiting,
                        QueueSummary::getHordeWaiting,
                        QueueSummary::getOldestJoinedAtUnixMs)
                .map(t -> t.toList().toString())
                .containsExactly(
                        "[alpha, 1, 60, 0, 1, 50]",
                        "[ruin, 1, 20, 1, 0, 400]",
                        "[ruin, 1, 60, 1, 5, 100]",
                        "[ruin, 2, 60, 0, 1, 300]");
        assertThat(QueueSummaries.of(List.of())).isEmpty();
    }
}
