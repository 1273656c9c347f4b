package io.realmcluster.dataplane.world.battleground;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BattlegroundRewardsTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void winnersGetHonorAndTheirBattlegroundsMarkLosersLessAndNoMark() {
        final BattlegroundResult allianceWon = new BattlegroundResult(Team.ALLIANCE, 3, 1);
        assertThat(BattlegroundRewards.of(BattlegroundSettings.WARSONG_GULCH, allianceWon, Team.ALLIANCE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(60, 20558, 0));
        assertThat(BattlegroundRewards.of(BattlegroundSettings.ARATHI_BASIN, allianceWon, Team.ALLIANCE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(60, 20559, 0));
        assertThat(BattlegroundRewards.of(BattlegroundSettings.ALTERAC_VALLEY, allianceWon, Team.ALLIANCE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(60, 20560, 0));
        assertThat(BattlegroundRewards.of(BattlegroundSettings.WARSONG_GULCH, allianceWon, Team.HORDE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(20, 0, 0));
    }

    @Test
    void aDrawGivesEverySideTheLosersHonor() {
        final BattlegroundResult draw = new BattlegroundResult(Team.DRAW, 0, 0);
        assertThat(BattlegroundRewards.of(BattlegroundSettings.WARSONG_GULCH, draw, Team.ALLIANCE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(20, 0, 0));
        assertThat(BattlegroundRewards.of(BattlegroundSettings.WARSONG_GULCH, draw, Team.HORDE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(20, 0, 0));
    }

    @Test
    void leavingBeforeTheEndGivesDeserterForFifteenMinutesAndNothingElse() {
        assertThat(BattlegroundRewards.of(BattlegroundSettings.WARSONG_GULCH, null, Team.HORDE, NOW))
                .isEqualTo(new BattlegroundRewards.Reward(0, 0, NOW + 15 * 60_000));
    }

    @Test
    void onlyBattlegroundsHaveMarks() {
        assertThatThrownBy(() -> BattlegroundRewards.markOf(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("map 0 is no battleground");
    }
}
