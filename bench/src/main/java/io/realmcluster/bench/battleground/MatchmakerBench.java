package io.realmcluster.bench.battleground;

import com.sun.management.ThreadMXBean;
import io.realmcluster.bench.Conditions;
import io.realmcluster.controlplane.battleground.Matchmaker;
import io.realmcluster.controlplane.battleground.Proposal;
import io.realmcluster.controlplane.battleground.QueueKey;
import io.realmcluster.controlplane.battleground.QueueTickets;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench matchmaker}: one full pass of the {@link Matchmaker} over every queue (battlegroup,
 * battleground, bracket) of a large ticket set, timed over many passes with HdrHistogram, beside
 * the same pass on fewer tickets and on tickets without groups, in turns in one run.
 */
@Command(
        name = "matchmaker",
        mixinStandardHelpOptions = true,
        description = "The battleground matchmaker: time of a full pass over 100,000 tickets, matches made a second.")
public final class MatchmakerBench implements Callable<Integer> {
    @Option(names = "--tickets", defaultValue = "100000", description = "Tickets waiting (default: ${DEFAULT-VALUE}).")
    int tickets;

    @Option(
            names = "--baseline-tickets",
            defaultValue = "10000",
            description = "Tickets of the baseline, same mix (default: ${DEFAULT-VALUE}).")
    int baselineTickets;

    @Option(
            names = "--passes",
            defaultValue = "300",
            description = "Measured passes of each scenario (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(
            names = "--warmup-passes",
            defaultValue = "100",
            description = "Passes of each scenario before measuring (default: ${DEFAULT-VALUE}).")
    int warmupPasses;

    @Option(names = "--seed", defaultValue = "20", description = "Seed of the ticket mix (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One measured input: its tickets and running matches, made once, passed over many times. */
    private record Scenario(
            String label,
            TicketMix mix,
            Map<QueueKey, QueueTickets> index,
            boolean flat,
            Histogram nanos,
            Histogram cpuNanos,
            long[] allocated) {}

    @Override
    public Integer call() {
        final Matchmaker matchmaker = new Matchmaker(Matchmaker.DEFAULT_HOLD_AFTER);
        final TicketMix full = TicketMix.generate(tickets, true, seed);
        final List<Scenario> scenarios = List.of(
                scenario("full mix", full, false),
                scenario("no groups", TicketMix.generate(tickets, false, seed), false),
                scenario("full, flat", full, true),
                scenario("baseline", TicketMix.generate(baselineTickets, true, seed), false));
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   tickets over %s (battlegroups of two realms each), 3 battlegrounds, every bracket, both"
                        + " factions;%n"
                        + "            %s%n"
                        + "            one pass = Matchmaker.proposeAll over every queue, from the tickets split by queue and"
                        + " faction in join order (the leader's index);%n"
                        + "            'full, flat': the same from one flat list, splitting included; hold after %d s;%n"
                        + "            %d warm-up + %d measured passes of each scenario, in turns, on one thread%n",
                new TreeMap<>(TicketMix.BATTLEGROUPS),
                TicketMix.DESCRIPTION,
                Matchmaker.DEFAULT_HOLD_AFTER.toSeconds(),
                warmupPasses,
                passes);
        System.out.flush();
        for (int pass = 0; pass < warmupPasses; pass++) {
            for (final Scenario scenario : scenarios) {
                onePass(matchmaker, scenario);
            }
        }
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < passes; pass++) {
            for (final Scenario scenario : scenarios) {
                final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                final long cpuStart = threads.getCurrentThreadCpuTime();
                final long start = System.nanoTime();
                onePass(matchmaker, scenario);
                scenario.nanos.recordValue(System.nanoTime() - start);
                scenario.cpuNanos.recordValue(threads.getCurrentThreadCpuTime() - cpuStart);
                scenario.allocated[0] += threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            }
        }
        print(matchmaker, scenarios);
        return 0;
    }

    private static Scenario scenario(final String label, final TicketMix mix, final boolean flat) {
        return new Scenario(
                label, mix, Matchmaker.index(mix.tickets()), flat, new Histogram(3), new Histogram(3), new long[1]);
    }

    private static SortedMap<QueueKey, List<Proposal>> onePass(final Matchmaker matchmaker, final Scenario scenario) {
        final TicketMix mix = scenario.mix;
        final SortedMap<QueueKey, List<Proposal>> proposals = scenario.flat
                ? matchmaker.proposeAll(mix.tickets(), mix.running(), mix.nowMillis())
                : matchmaker.proposeAll(scenario.index, mix.running(), mix.nowMillis());
        if (proposals.isEmpty()) {
            throw new IllegalStateException("a pass of " + scenario.label + " proposed nothing: the mix is wrong");
        }
        return proposals;
    }

    private void print(final Matchmaker matchmaker, final List<Scenario> scenarios) {
        final double baselineP99 = scenarios.get(scenarios.size() - 1).nanos.getValueAtPercentile(99);
        System.out.println();
        System.out.println("one full pass (ms); matches a second = new matches a pass / mean pass time");
        System.out.printf(
                "%-10s %8s %7s %7s %8s %8s %8s %8s %8s %8s %12s %10s%n",
                "scenario",
                "tickets",
                "groups",
                "queues",
                "new",
                "top-ups",
                "seated",
                "p50",
                "p99",
                "max",
                "matches/s",
                "p99 vs 10k");
        for (final Scenario scenario : scenarios) {
            final TicketMix mix = scenario.mix;
            final SortedMap<QueueKey, List<Proposal>> proposals = onePass(matchmaker, scenario);
            long newMatches = 0;
            long topUps = 0;
            long seated = 0;
            for (final List<Proposal> queue : proposals.values()) {
                for (final Proposal proposal : queue) {
                    if (proposal.isTopUp()) {
                        topUps++;
                    } else {
                        newMatches++;
                    }
                    seated += proposal.alliance().size() + proposal.horde().size();
                }
            }
            final Histogram nanos = scenario.nanos;
            System.out.printf(
                    "%-10s %8d %7d %7d %8d %8d %8d %8.2f %8.2f %8.2f %12.0f %9.2fx%n",
                    scenario.label,
                    mix.tickets().size(),
                    mix.groups(),
                    mix.queues(),
                    newMatches,
                    topUps,
                    seated,
                    millis(nanos.getValueAtPercentile(50)),
                    millis(nanos.getValueAtPercentile(99)),
                    millis(nanos.getMaxValue()),
                    newMatches / (nanos.getMean() / 1e9),
                    nanos.getValueAtPercentile(99) / baselineP99);
        }
        System.out.println();
        System.out.println("the pass's thread: CPU time of a pass (ms; the wall time above includes waiting for a"
                + " core) and allocation");
        System.out.printf("%-10s %8s %8s %8s %12s%n", "scenario", "cpu p50", "cpu p99", "cpu max", "MiB a pass");
        for (final Scenario scenario : scenarios) {
            final Histogram cpu = scenario.cpuNanos;
            System.out.printf(
                    "%-10s %8.2f %8.2f %8.2f %12.1f%n",
                    scenario.label,
                    millis(cpu.getValueAtPercentile(50)),
                    millis(cpu.getValueAtPercentile(99)),
                    millis(cpu.getMaxValue()),
                    scenario.allocated[0] / (double) passes / (1024 * 1024));
        }
        System.out.printf(
                "%ngoal: full pass p99 <= 10 ms: %s%n",
                millis(scenarios.get(0).nanos.getValueAtPercentile(99)) <= 10 ? "met" : "missed");
    }

    private static double millis(final double nanos) {
        return nanos / 1e6;
    }
}
