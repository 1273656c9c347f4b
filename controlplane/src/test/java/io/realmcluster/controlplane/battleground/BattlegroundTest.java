package io.realmcluster.controlplane.battleground;

import static io.realmcluster.controlplane.battleground.Battleground.ALTERAC_VALLEY;
import static io.realmcluster.controlplane.battleground.Battleground.ARATHI_BASIN;
import static io.realmcluster.controlplane.battleground.Battleground.WARSONG_GULCH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The battlegrounds' numbers and the bracket each level queues in: one row per level that matters. */
class BattlegroundTest {
    static Stream<Arguments> brackets() {
        return Stream.of(
                Arguments.of(WARSONG_GULCH, 9, "refused"),
                Arguments.of(WARSONG_GULCH, 10, "10-19"),
                Arguments.of(WARSONG_GULCH, 19, "10-19"),
                Arguments.of(WARSONG_GULCH, 20, "20-29"),
                Arguments.of(WARSONG_GULCH, 35, "30-39"),
                Arguments.of(WARSONG_GULCH, 49, "40-49"),
                Arguments.of(WARSONG_GULCH, 50, "50-59"),
                Arguments.of(WARSONG_GULCH, 59, "50-59"),
                Arguments.of(WARSONG_GULCH, 60, "60"),
                Arguments.of(WARSONG_GULCH, 61, "refused"),
                Arguments.of(WARSONG_GULCH, 0, "refused"),
                Arguments.of(ARATHI_BASIN, 10, "refused"),
                Arguments.of(ARATHI_BASIN, 19, "refused"),
                Arguments.of(ARATHI_BASIN, 20, "20-29"),
                Arguments.of(ARATHI_BASIN, 55, "50-59"),
                Arguments.of(ARATHI_BASIN, 60, "60"),
                Arguments.of(ALTERAC_VALLEY, 50, "refused"),
                Arguments.of(ALTERAC_VALLEY, 51, "51-60"),
                Arguments.of(ALTERAC_VALLEY, 59, "51-60"),
                Arguments.of(ALTERAC_VALLEY, 60, "51-60"),
                Arguments.of(ALTERAC_VALLEY, 61, "refused"));
    }

    @ParameterizedTest(name = "{0} at level {1}: {2}")
    @MethodSource("brackets")
    void levelQueuesInItsBracket(final Battleground battleground, final int level, final String expected) {
        assertThat(battleground.bracketFor(level).map(Bracket::toString).orElse("refused"))
                .isEqualTo(expected);
    }

    @Test
    void everyBattlegroundHasTheBracketsOfVanilla() {
        assertThat(WARSONG_GULCH.brackets())
                .extracting(Bracket::toString)
                .containsExactly("10-19", "20-29", "30-39", "40-49", "50-59", "60");
        assertThat(ARATHI_BASIN.brackets())
                .extracting(Bracket::toString)
                .containsExactly("20-29", "30-39", "40-49", "50-59", "60");
        assertThat(ALTERAC_VALLEY.brackets()).extracting(Bracket::toString).containsExactly("51-60");
    }

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of(WARSONG_GULCH, 489, 10, 4, true),
                Arguments.of(ARATHI_BASIN, 529, 15, 6, true),
                Arguments.of(ALTERAC_VALLEY, 30, 40, 20, false));
    }

    @ParameterizedTest(name = "{0}: map {1}, {2} a side, at least {3}, groups {4}")
    @MethodSource("numbers")
    void battlegroundsHaveVanillasMapsAndSizes(
            final Battleground battleground,
            final int mapId,
            final int teamSize,
            final int minPerTeam,
            final boolean groups) {
        assertThat(battleground.mapId()).isEqualTo(mapId);
        assertThat(battleground.teamSize()).isEqualTo(teamSize);
        assertThat(battleground.minPerTeam()).isEqualTo(minPerTeam);
        assertThat(battleground.groupsAllowed()).isEqualTo(groups);
    }
}
