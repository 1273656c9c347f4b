package io.realmcluster.tools.bots;

import static io.realmcluster.tools.bots.BotBattleground.ALTERAC_VALLEY;
import static io.realmcluster.tools.bots.BotBattleground.ARATHI_BASIN;
import static io.realmcluster.tools.bots.BotBattleground.WARSONG_GULCH;
import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.tools.bots.BotBattleground.Role;
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
    private static final long SELF = 501;
    private static final long TEAMMATE = 502;
    private static final long ENEMY = 601;
    private static final float[] ALLIANCE_FLAG = BotBattleground.WSG_FLAGS[0];
    private static final float[] HORDE_FLAG = BotBattleground.WSG_FLAGS[1];

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

        // The gates open: the bot plays its part (see the role tests below).
        accepting.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
        assertThat(actions.goal).hasSize(2);
        // The instance moves to another node: on the same map again, the bot plays on there.
        actions.goal.clear();
        accepting.leftWorld();
        accepting.enteredWorld(WSG_MAP, now);
        assertThat(accepting.step()).isEqualTo(Step.IN_BATTLEGROUND);
        assertThat(accepting.entered).as("one entry").isEqualTo(1);
        assertThat(actions.goal).as("its goal again, on the new node").hasSize(2);

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

    @Test
    void rolesAreStableForACharacterAndSplitFourThreeThree() {
        final int[] counts = new int[Role.values().length];
        for (int i = 0; i < 10_000; i++) {
            final String name = "Bot" + i;
            assertThat(BotBattleground.roleOf(name)).isEqualTo(BotBattleground.roleOf(name));
            counts[BotBattleground.roleOf(name).ordinal()]++;
        }
        assertThat(counts[Role.ATTACKER.ordinal()]).isBetween(3_700, 4_300);
        assertThat(counts[Role.DEFENDER.ordinal()]).isBetween(2_700, 3_300);
        assertThat(counts[Role.HUNTER.ordinal()]).isBetween(2_700, 3_300);
    }

    @Test
    void aWarsongGulchAttackerTakesTheEnemyFlagRunsHomeAndWaitsThereForItsOwn() {
        final BotBattleground attacker = playing(Role.ATTACKER, WARSONG_GULCH, BotBattleground.HORDE);
        assertThat(actions.goal).as("the Alliance's flag").containsExactly(ALLIANCE_FLAG[0], ALLIANCE_FLAG[1]);
        assertThat(actions.fight).as("it runs past everyone").isFalse();

        // It took the Alliance's flag: home to the Horde's stand, running.
        flags(attacker, BotBattleground.FLAG_CARRIED, SELF, BotBattleground.FLAG_AT_BASE, 0);
        assertThat(actions.goal).containsExactly(HORDE_FLAG[0], HORDE_FLAG[1]);
        assertThat(actions.radius).isEqualTo(BotBattleground.CAPTURE_YARDS);
        assertThat(actions.fight).isFalse();

        // Its own flag is taken meanwhile: the carrier still goes home and waits there, its flag's hunters chase.
        final int goals = actions.goals;
        flags(attacker, BotBattleground.FLAG_CARRIED, SELF, BotBattleground.FLAG_CARRIED, ENEMY);
        actions.atGoal = true;
        attacker.tick(now + S);
        assertThat(actions.goals).as("no new goal: it waits at the stand").isEqualTo(goals);
        assertThat(actions.goal).containsExactly(HORDE_FLAG[0], HORDE_FLAG[1]);
    }

    @Test
    void aWarsongGulchAttackerWaitsAtTheEnemyStandWhileATeammateCarriesAndHuntsWhenItsOwnFlagIsTaken() {
        final BotBattleground attacker = playing(Role.ATTACKER, WARSONG_GULCH, BotBattleground.ALLIANCE);
        assertThat(actions.goal).as("the Horde's flag").containsExactly(HORDE_FLAG[0], HORDE_FLAG[1]);

        // A teammate carries the Horde's flag: wait at its stand to take it again when it is captured.
        flags(attacker, BotBattleground.FLAG_AT_BASE, 0, BotBattleground.FLAG_CARRIED, TEAMMATE);
        assertThat(actions.goal).containsExactly(HORDE_FLAG[0], HORDE_FLAG[1]);
        assertThat(actions.radius).isEqualTo(BotBattleground.FLAG_ROOM_YARDS);
        assertThat(actions.fight).isTrue();

        // Both flags carried: the teammate waits at home, so this one goes after the Alliance's flag's carrier.
        carried(attacker, 0, ENEMY, 1200f, 1460f, TEAMMATE);
        assertThat(actions.goal).containsExactly(1200f, 1460f);
        assertThat(actions.prey).isEqualTo(ENEMY);

        // The teammate's carrier dropped the Horde's flag: take it up.
        dropped(attacker, 1, 1000f, 1440f);
        assertThat(actions.goal).containsExactly(1000f, 1440f);
        assertThat(actions.fight).isFalse();
    }

    @Test
    void aWarsongGulchDefenderHoldsItsFlagRoomWhateverHappens() {
        final BotBattleground defender = playing(Role.DEFENDER, WARSONG_GULCH, BotBattleground.ALLIANCE);
        assertThat(actions.goal).containsExactly(ALLIANCE_FLAG[0], ALLIANCE_FLAG[1]);
        assertThat(actions.fight).isTrue();
        flags(defender, BotBattleground.FLAG_CARRIED, ENEMY, BotBattleground.FLAG_AT_BASE, 0);
        assertThat(actions.goal).containsExactly(ALLIANCE_FLAG[0], ALLIANCE_FLAG[1]);
        assertThat(actions.prey).isZero();
    }

    @Test
    void aWarsongGulchHunterChasesItsFlagsCarrierAndReturnsTheFlagHeDrops() {
        final BotBattleground hunter = playing(Role.HUNTER, WARSONG_GULCH, BotBattleground.ALLIANCE);
        final float postX = ALLIANCE_FLAG[0] + (HORDE_FLAG[0] - ALLIANCE_FLAG[0]) / 4;
        final float postY = ALLIANCE_FLAG[1] + (HORDE_FLAG[1] - ALLIANCE_FLAG[1]) / 4;
        assertThat(actions.goal).as("its post, toward the enemy").containsExactly(postX, postY);
        assertThat(actions.fight).isTrue();

        // The Alliance's flag is taken: after its carrier, wherever the state shows it.
        carried(hunter, 0, ENEMY, 1400f, 1470f, 0);
        assertThat(actions.goal).containsExactly(1400f, 1470f);
        assertThat(actions.prey).isEqualTo(ENEMY);
        assertThat(actions.fight).isTrue();
        carried(hunter, 0, ENEMY, 1380f, 1465f, 0);
        assertThat(actions.goal).as("the goal follows the carrier").containsExactly(1380f, 1465f);
        final int goals = actions.goals;
        carried(hunter, 0, ENEMY, 1379f, 1465f, 0);
        assertThat(actions.goals).as("a step is no new goal").isEqualTo(goals);

        // The carrier died: the flag lies there; the hunter runs to it and touches it.
        dropped(hunter, 0, 1379f, 1465f);
        assertThat(actions.goal).containsExactly(1379f, 1465f);
        assertThat(actions.fight).isFalse();
        assertThat(actions.prey).isZero();

        // Returned: back to the post.
        flags(hunter, BotBattleground.FLAG_AT_BASE, 0, BotBattleground.FLAG_AT_BASE, 0);
        assertThat(actions.goal).containsExactly(postX, postY);
    }

    @Test
    void arathiBasinBotsSpreadOverTheirSidesThreeBasesAndAttackersRaidTheEnemys() {
        for (int side = 0; side < 2; side++) {
            final int[] holders = new int[BotBattleground.AB_BASES.length];
            for (int i = 0; i < 100; i++) {
                holders[BotBattleground.heldBase("Bot" + i, side)]++;
            }
            for (final int base : BotBattleground.AB_HELD[side]) {
                assertThat(holders[base]).as("base %d of side %d", base, side).isBetween(20, 46);
            }
        }
        final BotBattleground holder = playing(Role.DEFENDER, ARATHI_BASIN, BotBattleground.HORDE);
        final float[] held = BotBattleground.AB_BASES[
                BotBattleground.heldBase(holder.toString().split(" ")[0], 1)];
        assertThat(actions.goal).containsExactly(held[0], held[1]);
        actions.atGoal = true;
        holder.tick(now + 10 * BotBattleground.HOLD_MIN_NANOS);
        assertThat(actions.goal).as("it holds its base").containsExactly(held[0], held[1]);

        final BotBattleground raider = playing(Role.ATTACKER, ARATHI_BASIN, BotBattleground.ALLIANCE);
        // The Horde holds the Farm (2) and the Gold Mine (4); the Alliance the rest.
        for (int base = 0; base < 5; base++) {
            final boolean horde = base == 2 || base == 4;
            raider.objective(
                    base,
                    BotBattleground.BASE_CONTROLLED,
                    horde ? BotBattleground.HORDE : BotBattleground.ALLIANCE,
                    BotBattleground.AB_BASES[base][0],
                    BotBattleground.AB_BASES[base][1],
                    0);
        }
        raider.state(BotBattleground.PHASE_RUNNING, 0, 10, 10, now + S);
        assertThat(List.copyOf(actions.goal))
                .as("a base the Horde holds")
                .isIn(
                        List.of(BotBattleground.AB_BASES[2][0], BotBattleground.AB_BASES[2][1]),
                        List.of(BotBattleground.AB_BASES[4][0], BotBattleground.AB_BASES[4][1]));
    }

    /** A bot of {@code role} in {@code bg}'s running match on {@code team}, with the entity id {@link #SELF}. */
    private BotBattleground playing(final Role role, final int bg, final int team) {
        String name = null;
        for (int i = 0; name == null; i++) {
            if (BotBattleground.roleOf("Role" + i) == role) {
                name = "Role" + i;
            }
        }
        final BotBattleground one = new BotBattleground(name, true, 0, actions, new SplittableRandom(5));
        one.level(60);
        one.enteredWorld(HOME_MAP, now);
        one.invited(bg, 80, "match-7", now);
        one.tick(now + BotBattleground.ANSWER_MIN_NANOS + BotBattleground.ANSWER_SPREAD_NANOS);
        one.inviteAccepted(bg, team, "match-7");
        one.leftWorld();
        one.self(SELF);
        one.enteredWorld(BotBattleground.MAPS[bg], now);
        assertThat(one.step()).isEqualTo(Step.IN_BATTLEGROUND);
        assertThat(one.role()).isEqualTo(role);
        one.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
        actions.sent.clear();
        return one;
    }

    /** A state whose Alliance flag is {@code alliance} (carried by {@code allianceCarrier}), Horde flag likewise. */
    private void flags(
            final BotBattleground one,
            final int alliance,
            final long allianceCarrier,
            final int horde,
            final long hordeCarrier) {
        one.objective(0, alliance, BotBattleground.ALLIANCE, ALLIANCE_FLAG[0], ALLIANCE_FLAG[1], allianceCarrier);
        one.objective(1, horde, BotBattleground.HORDE, HORDE_FLAG[0], HORDE_FLAG[1], hordeCarrier);
        one.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
    }

    /** A state with flag {@code flag} carried by {@code carrier} at (x, y), the other carried by {@code otherCarrier}. */
    private void carried(
            final BotBattleground one,
            final int flag,
            final long carrier,
            final float x,
            final float y,
            final long otherCarrier) {
        one.objective(flag, BotBattleground.FLAG_CARRIED, flag + 1, x, y, carrier);
        final int other = 1 - flag;
        one.objective(
                other,
                otherCarrier == 0 ? BotBattleground.FLAG_AT_BASE : BotBattleground.FLAG_CARRIED,
                other + 1,
                BotBattleground.WSG_FLAGS[other][0],
                BotBattleground.WSG_FLAGS[other][1],
                otherCarrier);
        one.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
    }

    /** A state with flag {@code flag} dropped at (x, y), the other at home. */
    private void dropped(final BotBattleground one, final int flag, final float x, final float y) {
        one.objective(flag, BotBattleground.FLAG_DROPPED, flag + 1, x, y, 0);
        final int other = 1 - flag;
        one.objective(
                other,
                BotBattleground.FLAG_AT_BASE,
                other + 1,
                BotBattleground.WSG_FLAGS[other][0],
                BotBattleground.WSG_FLAGS[other][1],
                0);
        one.state(BotBattleground.PHASE_RUNNING, 0, 0, 0, now);
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
        float radius;
        boolean fight;
        long prey;
        int goals;

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
        public void goal(final float x, final float y, final float radius, final boolean fight, final long prey) {
            goal(x, y, radius);
            this.radius = radius;
            this.fight = fight;
            this.prey = prey;
            goals++;
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
