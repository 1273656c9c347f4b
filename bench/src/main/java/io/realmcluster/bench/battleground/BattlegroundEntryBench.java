package io.realmcluster.bench.battleground;

import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.RunningFleet;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Warsong Gulch's entry on a real realm: bots of one bracket queue, accept after their human delay
 * and are taken to the battleground's node; per player the time from its accept to its
 * WORLD_ENTERED there, per match the time from the pop to all its players inside, and beside them
 * the same run's logins (Login to WORLD_ENTERED), the claim and load a fresh node does too.
 */
@Command(
        name = "battleground-entry",
        mixinStandardHelpOptions = true,
        description =
                "From a bot's accept to the bot in Warsong Gulch's world, and from the pop to all players inside.")
public final class BattlegroundEntryBench implements Callable<Integer> {
    /** The goal of issue 20: from a player's accept to that player in the battleground's world. */
    private static final double ACCEPT_TO_WORLD_P99_GOAL_MS = 2_000;

    private static final Duration IN_WORLD_DEADLINE = Duration.ofSeconds(120);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Option(
            names = "--players",
            defaultValue = "20",
            description =
                    "Bots, half Alliance and half Horde; past 20 they wait to take declined seats (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(
            names = "--matches",
            defaultValue = "1",
            description = "Matches to see filled before the run ends (default: ${DEFAULT-VALUE}).")
    int matches;

    @Option(
            names = "--level",
            defaultValue = "15",
            description = "The bots' level (the control plane's --new-character-level): 10 to 19 fits Warsong Gulch "
                    + "alone, so that no other battleground takes its players (default: ${DEFAULT-VALUE}).")
    int level;

    @Option(
            names = "--deadline",
            defaultValue = "300",
            description = "Seconds to wait for the matches to fill (default: ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    @Override
    public Integer call() throws Exception {
        if (players < 8 || players > 40 || players % 2 != 0) {
            throw new IllegalArgumentException(
                    "--players must be even, 8 to 40 (Warsong Gulch takes 4 to 10 a side; more wait to take"
                            + " declined seats), got " + players);
        }
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   one realm (main) in battlegroup bench; a node of the continent pool and one that also serves"
                        + " battlegrounds; %d bots of level %d queue for Warsong Gulch, accept after 2-7 s (3%% decline),"
                        + " and are taken in; until %d match(es) have all their players inside, or %d s%n",
                players, level, matches, deadlineSeconds);
        try (BenchRealm realm = BenchRealm.start("--new-character-level", Integer.toString(level))) {
            realm.admin().putBattlegroup("bench", List.of("main"));
            realm.node("bench-world", 1_000);
            realm.node("bench-battlegrounds", 1_000, "--pools", "battleground");
            final BotConfig config = new BotConfig(
                            List.of(realm.controlPlane()),
                            players,
                            Duration.ZERO,
                            "main",
                            prefix(),
                            8,
                            1,
                            Duration.ofSeconds(20),
                            30f)
                    .withBattlegrounds(1.0);
            final PopToInside popToInside = new PopToInside(inMatch());
            final BotReport report;
            try (RunningFleet fleet = RunningFleet.start(config)) {
                fleet.awaitInWorld(IN_WORLD_DEADLINE);
                watch(realm.admin(), popToInside);
                report = fleet.stop();
            }
            print(report, popToInside.millis());
        }
        return 0;
    }

    /** Players one match takes: a full Warsong Gulch, or all the bots when they are fewer. */
    private int inMatch() {
        return Math.min(players, 20);
    }

    /** Poll the matches until {@link #matches} filled or the deadline. */
    private void watch(final AdminClient admin, final PopToInside popToInside) {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
        while (popToInside.millis().size() < matches && System.nanoTime() - end < 0) {
            final List<BattlegroundMatch> now = admin.listMatches().getMatchesList();
            popToInside.observe(now, System.currentTimeMillis());
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void print(final BotReport report, final List<Long> filled) {
        final BotReport.Battlegrounds bg = report.battlegrounds();
        report.summaryLines().forEach(System.out::println);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-52s %9s %9s %9s %7s%n", "measure (ms)", "p50", "p99", "max", "count");
        System.out.printf(
                Locale.ROOT,
                "%-52s %9.1f %9.1f %9.1f %7d%n",
                "accept to the battleground's world (per player)",
                bg.acceptToWorldP50Micros() / 1e3,
                bg.acceptToWorldP99Micros() / 1e3,
                bg.acceptToWorldMaxMicros() / 1e3,
                bg.entered());
        System.out.printf(
                Locale.ROOT,
                "%-52s %9.1f %9.1f %9s %7d%n",
                "baseline: Login to world, same run (per player)",
                report.loginToWorldP50Micros() / 1e3,
                report.loginToWorldP99Micros() / 1e3,
                "-",
                report.enteredWorld());
        for (int i = 0; i < filled.size(); i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%-52s %9d %9s %9s %7d%n",
                    "pop to all " + inMatch() + " inside, match " + (i + 1) + " (accept delay in)",
                    filled.get(i),
                    "-",
                    "-",
                    1);
        }
        if (bg.entered() == 0) {
            System.out.println("goal: accept to world p99 <= 2 s: not measured, no bot entered a battleground"
                    + " (invites " + bg.invites() + ", accepted " + bg.accepted() + ", accepts without an entry "
                    + bg.entriesMissing() + "): is the entry into the battleground in this build?");
            return;
        }
        final double p99 = bg.acceptToWorldP99Micros() / 1e3;
        System.out.printf(
                Locale.ROOT,
                "goal: accept to world p99 <= %.0f ms: %.1f ms, %s; matches filled %d of %d%n",
                ACCEPT_TO_WORLD_P99_GOAL_MS,
                p99,
                p99 <= ACCEPT_TO_WORLD_P99_GOAL_MS ? "met" : "missed",
                filled.size(),
                matches);
    }

    /** Four letters in front of the bots' names, so that runs do not collide. */
    private static String prefix() {
        final char[] letters = new char[4];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('a' + ThreadLocalRandom.current().nextInt(26));
        }
        return new String(letters);
    }
}
