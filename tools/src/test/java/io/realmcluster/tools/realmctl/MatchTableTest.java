package io.realmcluster.tools.realmctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.BattlegroundType;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.MatchState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** realmctl's battleground tables: the SCORE column from the result the battleground's node reported. */
class MatchTableTest {
    @Test
    void theScoreColumnShowsTheResultOnceReportedAndADashBefore() {
        final BattlegroundMatch running = BattlegroundMatch.newBuilder()
                .setMatchId("m-1")
                .setBattleground(BattlegroundType.BATTLEGROUND_TYPE_WARSONG_GULCH)
                .setBracket(60)
                .setState(MatchState.MATCH_STATE_RUNNING)
                .build();
        final BattlegroundMatch won = running.toBuilder()
                .setMatchId("m-2")
                .setState(MatchState.MATCH_STATE_ENDED)
                .setWinner(Faction.FACTION_HORDE)
                .setAllianceScore(1)
                .setHordeScore(3)
                .build();
        final BattlegroundMatch draw = won.toBuilder()
                .setMatchId("m-3")
                .setWinner(Faction.FACTION_UNSPECIFIED)
                .setDraw(true)
                .setHordeScore(1)
                .build();

        final String table = print(List.of(running, won, draw));

        assertThat(table.lines().findFirst().orElseThrow()).containsPattern("STATE\\s+SCORE$");
        assertThat(table)
                .containsPattern("m-1\\s+warsong gulch.*running\\s+-\\n")
                .containsPattern("m-2\\s+warsong gulch.*ended\\s+1-3 Horde\\n")
                .containsPattern("m-3\\s+warsong gulch.*ended\\s+1-1 draw\\n");
    }

    private static String print(final List<BattlegroundMatch> matches) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MatchTable.print(matches, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
}
