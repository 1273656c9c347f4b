package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.world.Cells;
import org.junit.jupiter.api.Test;

/** A crosser walks past the middle of its continent each way, and turned along it crosses nothing. */
class BotPatrolTest {
    private static final float MIDDLE = Cells.center(0)[0];

    @Test
    void aCrosserWalksAcrossTheMiddleBothWaysAndOnlyOnContinents() {
        final BotPatrol patrol = new BotPatrol();
        assertThat(patrol.walks(0)).isFalse();
        patrol.crosser(true, true);
        assertThat(patrol.walks(0)).isTrue();
        assertThat(patrol.walks(36)).as("a dungeon is no continent").isFalse();
        float x = MIDDLE;
        float least = x;
        float most = x;
        for (int i = 0; i < 200; i++) {
            x += (float) Math.cos(patrol.heading(0, x, 0f));
            least = Math.min(least, x);
            most = Math.max(most, x);
        }
        assertThat(most).isGreaterThanOrEqualTo(MIDDLE + BotPatrol.YARDS).isLessThan(MIDDLE + BotPatrol.YARDS + 2);
        assertThat(least).isLessThanOrEqualTo(MIDDLE - BotPatrol.YARDS).isGreaterThan(MIDDLE - BotPatrol.YARDS - 2);
    }

    @Test
    void turnedAlongTheMiddleItKeepsItsSide() {
        final BotPatrol patrol = new BotPatrol();
        patrol.crosser(true, true);
        patrol.across(false);
        final float x = MIDDLE + 10f;
        float y = 0f;
        for (int i = 0; i < 200; i++) {
            final float heading = patrol.heading(0, x, y);
            assertThat(Math.abs(Math.cos(heading))).as("north or south only").isLessThan(1e-6);
            y += (float) Math.sin(heading);
        }
        assertThat(Math.abs(y)).isLessThanOrEqualTo(BotPatrol.YARDS + 1);
    }
}
