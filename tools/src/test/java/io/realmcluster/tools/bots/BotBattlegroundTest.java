package io.realmcluster.tools.bots;

import static io.realmcluster.tools.bots.BotBattleground.ALTERAC_VALLEY;
import static io.realmcluster.tools.bots.BotBattleground.ARATHI_BASIN;
import static io.realmcluster.tools.bots.BotBattleground.WARSONG_GULCH;
import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.tools.bots.BotBattleground.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bot's battleground decisions, driven by the test's clock and a seeded random: no node. */
class BotBattlegroundTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final int WSG_MAP = 489;
    private static final int HOME_MAP = 0;

    private final Recorder actions = new Recorder();
    private final BotBattleground bot = new BotBattleground("Abcdbota", true, actions, new SplittableRandom(11));
    private long now = 1_000 * S;

    @Test
    void theQueuesJoinedAreTheBattlegroundsTheLevelFitsUpToThree() {
        assertThat(BotBattleground.fitting(1)).isZero();
        assertThat(BotBattleground.fitting(9)).isZero();
        assertThat(BotBattleground.fitting(10)).isEqualTo(1 << WARSONG_GULCH);
        assertThat(BotBattleground.fitting(20)).isEqualTo(1 << WARSONG_GULCH | 1 << ARATHI_BASIN);
        assertThat(BotBattleground.fitting(50)).isEqualTo(1 << WARSONG_GULCH | 1 << ARATHI_BASIN);
        assertThat(BotBattleground.fitting(51)).isEqualTo(1 << WARSONG_GULCH | 1 << ARATHI_BASIN | 1 << ALTERAC_VALLEY);
        assertThat(Integer.bitCount(BotBattleground.fitting(60))).isEqualTo(BotBattleground.MAX_QUEUES);
        assertThat(BotBattleground.fitting(61)).isZero();
    }

    @Test
    void answersComeAfterAHumanDelayAndBeforeTheDeadline() {
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            assertThat(BotBattleground.answerDelay(random, 80))
                    .isBetween(
                            BotBattleground.ANSWER_MIN_NANOS,
                            BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS);
        }
        // An invite nearly run out is answered in time, never after it.
        assertThat(BotBattleground.answerDelay(random, 3)).isLessThanOrEqualTo(S);
        assertThat(BotBattleground.answerDelay(random, 1)).isZero();
    }

    @Test
    void aFewPercentOfInvitesAreDeclined() {
        int declines = 0;
        final int bots = 4_000;
        for (int i = 0; i < bots; i++) {
            final Recorder recorder = new Recorder();
            final BotBattleground one = new BotBattleground("B", true, recorder, new SplittableRandom(i));
            final long t = queued(one, 20);
            one.invited(WARSONG_GULCH, 80, "m" + i, t);
            one.tick(t + BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS);
            declines += recorder.declines;
        }
        assertThat(declines).isBetween(bots / 100, bots * 6 / 100);
    }

    @Test
    void aBotQueuesAcceptsEntersPlaysAndQueuesAgainAfterTheMatch() {
        bot.level(60);
        bot.enteredWorld(HOME_MAP, now);
        assertThat(bot.step()).isEqualTo(Step.RESTING);
        assertThat(bot.nextAt() - now).isBetween(0L, BotBattleground.FIRST_QUEUE_SPREAD_NANOS);
        now += BotBattleground.FIRST_QUEUE_SPREAD_NANOS;
        bot.tick(now);
        assertThat(bot.step()).isEqualTo(Step.QUEUED);
        assertThat(actions.sent).containsExactly("join 1", "join 2", "join 3");
        assertThat(bot.queued).isEqualTo(3);

        actions.sent.clear();
        final BotBattleground accepting = acceptingBot();
        accepting.invited(WARSONG_GULCH, 80, "match-1", now);
        assertThat(accepting.step()).isEqualTo(Step.INVITED);
        accepting.tick(now + BotBattleground.ANSWER_MIN_NANOS - 1);
        assertThat(actions.sent).as("not before the human delay").isEmpty();
        now += BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS;
        accepting.tick(now);
        assertThat(accepting.step()).isEqualTo(Step.ACCEPTED);
        assertThat(actions.sent).containsExactly("accept match-1", "leave 2", "leave 3");
        accepting.inviteAccepted(WARSONG_GULCH, 2, "match-1");

        // Another match's invite while this one is taken: declined at once.
        actions.sent.clear();
        accepting.invited(ARATHI_BASIN, 80, "match-2", now);
        assertThat(actions.sent).containsExactly("decline match-2");
        assertThat(accepting.step()).isEqualTo(Step.ACCEPTED);

        now += S;
        accepting.leftWorld();
        accepting.enteredWorld(WSG_MAP, now);
        assertThat(accepting.step()).isEqualTo(Step.IN_BATTLEGROUND);
        assertThat(accepting.takeAcceptToWorld()).isEqualTo(S);
        assertThat(accepting.takeAcceptToWorld()).as("recorded once").isEqualTo(-1);
        assertThat(actions.stayed)
                .as("near its start until the match says it runs")
                .isTrue();
        accepting.state(BotBattleground.PHASE_PREPARATION, 0, 0, 0, now);
        actions.atGoal = true;
        accepting.tick(now + S);
        assertThat(actions.goal).as("the gates are closed").isEmpty();

        // The gates open: a Horde bot runs for the Alliance's flag first, then home to its own.
        accepting.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
        assertThat(actions.goal).containsExactly(BotBattleground.WSG_FLAGS[0][0], BotBattleground.WSG_FLAGS[0][1]);
        actions.atGoal = true;
        accepting.tick(now);
        assertThat(actions.goal).containsExactly(BotBattleground.WSG_FLAGS[1][0], BotBattleground.WSG_FLAGS[1][1]);
        // The instance moves to another node: on the same map again, the bot plays on there.
        accepting.leftWorld();
        accepting.enteredWorld(WSG_MAP, now);
        assertThat(accepting.step()).isEqualTo(Step.IN_BATTLEGROUND);
        assertThat(accepting.entered).as("one entry").isEqualTo(1);
        assertThat(actions.goal).containsExactly(BotBattleground.WSG_FLAGS[0][0], BotBattleground.WSG_FLAGS[0][1]);

        // The Horde wins 3 to 1: counted once, however many states of the end come; the bot stops playing.
        accepting.state(BotBattleground.PHASE_RUNNING, 0, 1, 2, now);
        accepting.state(BotBattleground.PHASE_ENDED, BotBattleground.HORDE, 1, 3, now);
        accepting.state(BotBattleground.PHASE_ENDED, BotBattleground.HORDE, 1, 3, now + S);
        assertThat(accepting.won).isEqualTo(1);
        assertThat(accepting.lost + accepting.drawn).isZero();
        assertThat(accepting.score()).containsExactly(1L, 3L);
        assertThat(actions.goal)
                .as("the match is over: it waits to be sent home")
                .isEmpty();
        assertThat(actions.sent)
                .as("no BATTLEGROUND_LEAVE: it waits for the REDIRECT")
                .doesNotContain("leave battleground");

        accepting.leftWorld();
        accepting.enteredWorld(HOME_MAP, now);
        assertThat(accepting.step()).isEqualTo(Step.RESTING);
        assertThat(accepting.matchesFinished).isEqualTo(1);
        assertThat(accepting.nextAt() - now)
                .isBetween(
                        BotBattleground.REST_MIN_NANOS,
                        BotBattleground.REST_MIN_NANOS + BotBattleground.REST_SPREAD_NANOS);
        actions.sent.clear();
        accepting.tick(accepting.nextAt());
        assertThat(actions.sent).containsExactly("join 1", "join 2", "join 3");
        assertThat(accepting.step()).isEqualTo(Step.QUEUED);
    }

    @Test
    void anExpiredInviteSendsTheBotBackToItsOtherQueuesAndAMissingEntryIsGivenUp() {
        final BotBattleground one = acceptingBot();
        one.invited(ARATHI_BASIN, 80, "match-3", now);
        one.inviteGone(ARATHI_BASIN, "match-3", now + S);
        assertThat(one.expired).isEqualTo(1);
        assertThat(one.step()).isEqualTo(Step.QUEUED);
        assertThat(one.queues()).isEqualTo(1 << WARSONG_GULCH | 1 << ALTERAC_VALLEY);

        one.invited(WARSONG_GULCH, 80, "match-4", now);
        now += BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS;
        one.tick(now);
        assertThat(one.step()).isEqualTo(Step.ACCEPTED);
        one.tick(now + BotBattleground.ENTRY_WAIT_NANOS + 1);
        assertThat(one.step()).isEqualTo(Step.RESTING);
        assertThat(one.entriesMissing).isEqualTo(1);
    }

    @Test
    void aLowLevelBotGivesUpOnBattlegroundsAndAnOffBotIgnoresInvites() {
        final BotBattleground low = new BotBattleground("Low", true, actions, new SplittableRandom(1));
        final long t = queued(low, 5);
        assertThat(low.step()).isEqualTo(Step.OFF);
        low.invited(WARSONG_GULCH, 80, "m", t);
        assertThat(low.invites).isZero();
        assertThat(actions.sent).isEmpty();
        final BotBattleground off = new BotBattleground("Off", false, actions, new SplittableRandom(1));
        assertThat(off.step()).isEqualTo(Step.OFF);
    }

    @Test
    void aBotQueuedLongWithoutAnInviteJoinsAgain() {
        final BotBattleground one = new BotBattleground("Q", true, actions, new SplittableRandom(1));
        final long t = queued(one, 15);
        assertThat(actions.sent).containsExactly("join 1");
        one.tick(t + BotBattleground.REQUEUE_AFTER_NANOS - 1);
        assertThat(actions.sent).hasSize(1);
        one.tick(t + BotBattleground.REQUEUE_AFTER_NANOS);
        assertThat(actions.sent).containsExactly("join 1", "join 1");
        assertThat(one.step()).isEqualTo(Step.QUEUED);
    }

    @Test
    void everyQueueRefusedMeansARest() {
        final BotBattleground one = new BotBattleground("R", true, actions, new SplittableRandom(1));
        final long t = queued(one, 20);
        one.refused(WARSONG_GULCH, "Deserter", t);
        assertThat(one.step()).isEqualTo(Step.QUEUED);
        one.refused(ARATHI_BASIN, "Deserter", t);
        assertThat(one.step()).isEqualTo(Step.RESTING);
        assertThat(one.refused).isEqualTo(2);
    }

    @Test
    void aLostMatchADrawAndAMatchEnteredAfterItsEndAreCountedAsSuch() {
        final BotBattleground alliance = inBattleground(BotBattleground.ALLIANCE, 0);
        alliance.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
        alliance.state(BotBattleground.PHASE_ENDED, BotBattleground.HORDE, 0, 3, now);
        assertThat(alliance.lost).isEqualTo(1);
        enterAgain(alliance);
        alliance.state(BotBattleground.PHASE_PREPARATION, 0, 0, 0, now);
        alliance.state(BotBattleground.PHASE_ENDED, BotBattleground.DRAW, 0, 0, now);
        assertThat(alliance.drawn).as("both sides under their minimum").isEqualTo(1);
        enterAgain(alliance);
        alliance.state(BotBattleground.PHASE_ENDED, BotBattleground.ALLIANCE, 3, 0, now);
        assertThat(alliance.won)
                .as("it came in after the end: it played no part")
                .isZero();
        assertThat(alliance.lost).isEqualTo(1);
        assertThat(alliance.matchesFinished).isEqualTo(2);
    }

    @Test
    void aBotLeavesEarlyOnlyForItsShareOfMatchesAndThenWaitsToBeSentHome() {
        final BotBattleground leaver = inBattleground(BotBattleground.HORDE, 1.0);
        leaver.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
        leaver.tick(now + BotBattleground.LEAVE_MIN_NANOS - 1);
        assertThat(actions.sent).isEmpty();
        leaver.tick(now + BotBattleground.LEAVE_MIN_NANOS + BotBattleground.LEAVE_SPREAD_NANOS);
        assertThat(actions.sent).containsExactly("leave battleground");
        assertThat(leaver.leftEarly).isEqualTo(1);
        actions.atGoal = true;
        leaver.tick(now + BotBattleground.LEAVE_MIN_NANOS + BotBattleground.LEAVE_SPREAD_NANOS + S);
        leaver.state(BotBattleground.PHASE_ENDED, BotBattleground.HORDE, 0, 3, now);
        assertThat(actions.sent).as("sent once, and it plays no more").containsExactly("leave battleground");
        assertThat(leaver.won).as("a deserter counts no outcome").isZero();
        leaver.leftWorld();
        leaver.enteredWorld(HOME_MAP, now);
        assertThat(leaver.step()).isEqualTo(Step.RESTING);

        int leaves = 0;
        final int matches = 2_000;
        for (int i = 0; i < matches; i++) {
            final Recorder recorder = new Recorder();
            final BotBattleground one = new BotBattleground("S", true, 0.01, recorder, new SplittableRandom(i));
            one.level(60);
            one.enteredWorld(WSG_MAP, now);
            one.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
            one.tick(now + BotBattleground.LEAVE_MIN_NANOS + BotBattleground.LEAVE_SPREAD_NANOS);
            leaves += (int) one.leftEarly;
        }
        assertThat(leaves).as("about 1 in 100 matches").isBetween(matches / 400, matches * 3 / 100);
    }

    /** A level-60 bot of {@code team} (1 Alliance, 2 Horde) that accepted an invite and entered Warsong Gulch. */
    private BotBattleground inBattleground(final int team, final double leaveShare) {
        final BotBattleground one = new BotBattleground("In", true, leaveShare, actions, new SplittableRandom(5));
        one.level(60);
        one.enteredWorld(HOME_MAP, now);
        one.invited(WARSONG_GULCH, 80, "match-9", now);
        one.tick(now + BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS);
        one.inviteAccepted(WARSONG_GULCH, team, "match-9");
        one.leftWorld();
        one.enteredWorld(WSG_MAP, now);
        assertThat(one.step()).isEqualTo(Step.IN_BATTLEGROUND);
        actions.sent.clear();
        return one;
    }

    /** Home from the match, then into Warsong Gulch again (the queue and invite skipped). */
    private void enterAgain(final BotBattleground one) {
        one.leftWorld();
        one.enteredWorld(HOME_MAP, now);
        one.invited(WARSONG_GULCH, 80, "match-10", now);
        one.tick(now + BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS);
        one.leftWorld();
        one.enteredWorld(WSG_MAP, now);
        assertThat(one.step()).isEqualTo(Step.IN_BATTLEGROUND);
    }

    /** A bot of level 60 in all three queues whose seed accepts its first two invites. */
    private BotBattleground acceptingBot() {
        for (int seed = 0; ; seed++) {
            final SplittableRandom probe = new SplittableRandom(seed);
            probe.nextDouble(); // the first queue's spread
            final double firstAnswer = probe.nextDouble();
            probe.nextDouble(); // its delay
            if (firstAnswer >= BotBattleground.DECLINE_SHARE && probe.nextDouble() >= BotBattleground.DECLINE_SHARE) {
                final BotBattleground one = new BotBattleground("Acc", true, actions, new SplittableRandom(seed));
                now = queued(one, 60);
                actions.sent.clear();
                return one;
            }
        }
    }

    /** {@code one}, of {@code level}, in the world and past its first queue's time; the time then. */
    private long queued(final BotBattleground one, final int level) {
        one.level(level);
        one.enteredWorld(HOME_MAP, now);
        final long t = now + BotBattleground.FIRST_QUEUE_SPREAD_NANOS;
        one.tick(t);
        return t;
    }

    private static final class Recorder implements BotBattleground.Actions {
        final List<String> sent = new ArrayList<>();
        final List<Float> goal = new ArrayList<>();
        int declines;
        boolean atGoal;
        boolean stayed;

        @Override
        public void join(final int battleground) {
            sent.add("join " + battleground);
        }

        @Override
        public void leave(final int battleground) {
            sent.add("leave " + battleground);
        }

        @Override
        public void answer(final String matchId, final boolean accept) {
            sent.add((accept ? "accept " : "decline ") + matchId);
            declines += accept ? 0 : 1;
        }

        @Override
        public void leaveBattleground() {
            sent.add("leave battleground");
        }

        @Override
        public void goal(final float x, final float y, final float radius) {
            goal.clear();
            goal.add(x);
            goal.add(y);
            atGoal = false;
            stayed = false;
        }

        @Override
        public void stay(final float radius) {
            goal.clear();
            stayed = true;
        }

        @Override
        public boolean atGoal() {
            return atGoal;
        }
    }
}
