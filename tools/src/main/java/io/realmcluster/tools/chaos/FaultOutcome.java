package io.realmcluster.tools.chaos;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * One fault of a chaos run and what the checks after it found: who was disconnected that should not
 * have been, how the faulted node's players came back and how long it took, how much movement a
 * character lost, whether the database still explains every character, and whether every loot the
 * bots were told was durable is in it. {@link #breaches()} says what failed, empty when nothing did.
 */
record FaultOutcome(
        int round,
        Fault fault,
        String target,
        String skipped,
        double settleSeconds,
        boolean settled,
        int othersDisconnected,
        List<String> disconnectExamples,
        int faultedBroke,
        int faultedBack,
        List<String> notBackExamples,
        Histogram backMillis,
        double movementLostSeconds,
        boolean checkOk,
        String checkSummary,
        long lootMissing,
        double savesBefore,
        double savesDuring) {

    /** The most movement a character may lose: the second between two snapshots of a moving player. */
    static final double MOVEMENT_GOAL_SECONDS = 1.0;

    /** A fault that could not run here, and why. */
    static FaultOutcome skipped(final int round, final Fault fault, final String why) {
        return new FaultOutcome(
                round,
                fault,
                "-",
                why,
                0,
                true,
                0,
                List.of(),
                0,
                0,
                List.of(),
                new Histogram(3),
                0,
                true,
                "",
                0,
                Double.NaN,
                Double.NaN);
    }

    /**
     * The disconnects and returns of one fault's window: {@code faultedNode} is the node the fault took away
     * (null when it took no node), whose players' breaks are expected and must each be followed by a return;
     * every other break is a disconnect nobody should have seen.
     */
    record Window(
            int othersDisconnected,
            List<String> examples,
            int faultedBroke,
            int faultedBack,
            List<String> notBackExamples,
            Histogram backMillis,
            double movementLostSeconds) {

        static Window of(
                final List<ChaosEvents.Break> breaks,
                final List<ChaosEvents.Back> backs,
                final InetSocketAddress faultedNode,
                final float speedYardsPerSecond) {
            final Set<String> others = new HashSet<>();
            final List<String> examples = new ArrayList<>();
            final Map<String, ChaosEvents.Break> faulted = new HashMap<>();
            // Every reason each of the faulted node's players was given, in order: why one did not come back.
            final Map<String, List<String>> reasons = new HashMap<>();
            for (final ChaosEvents.Break b : breaks) {
                if (faultedNode != null && faultedNode.equals(b.node())) {
                    reasons.computeIfAbsent(b.character(), c -> new ArrayList<>())
                            .add(b.reason());
                    // Where its node last confirmed it when it first lost the node (a DISCONNECT and the close after it
                    // are one): moves the node never confirmed were no progress.
                    if (!faulted.containsKey(b.character())
                            || !Float.isFinite(faulted.get(b.character()).x())) {
                        faulted.put(b.character(), b);
                    }
                } else if (others.add(b.character()) && examples.size() < 3) {
                    examples.add(b.character() + " on " + b.node() + ": " + b.reason());
                }
            }
            final Histogram backMillis = new Histogram(3);
            double lost = 0;
            final Set<String> back = new HashSet<>();
            for (final ChaosEvents.Back b : backs) {
                final ChaosEvents.Break broke = faulted.get(b.character());
                if (broke == null || !back.add(b.character())) {
                    continue;
                }
                backMillis.recordValue(Math.max(0, b.micros() / 1000));
                if (broke.mapId() == b.mapId() && Float.isFinite(broke.x())) {
                    final double yards = Math.hypot(broke.x() - b.x(), broke.y() - b.y());
                    lost = Math.max(lost, yards / speedYardsPerSecond);
                }
            }
            final List<String> notBack = new ArrayList<>();
            for (final String character : new TreeSet<>(faulted.keySet())) {
                if (!back.contains(character) && notBack.size() < 3) {
                    notBack.add(character + " (" + String.join(", then ", reasons.get(character)) + ")");
                }
            }
            return new Window(others.size(), examples, faulted.size(), back.size(), notBack, backMillis, lost);
        }
    }

    /** What failed; empty when the fault passed every check (or was skipped). */
    List<String> breaches() {
        final List<String> breaches = new ArrayList<>();
        if (skipped != null) {
            return breaches;
        }
        if (!settled) {
            breaches.add("did not settle within the deadline");
        }
        if (othersDisconnected > 0) {
            breaches.add(othersDisconnected + " players disconnected that the fault should not have touched, e.g. "
                    + String.join("; ", disconnectExamples));
        }
        if (faultedBack < faultedBroke) {
            breaches.add((faultedBroke - faultedBack) + " of the faulted node's " + faultedBroke
                    + " players not back in the world, e.g. " + String.join("; ", notBackExamples));
        }
        if (movementLostSeconds > MOVEMENT_GOAL_SECONDS) {
            breaches.add(String.format(
                    Locale.ROOT,
                    "a character lost %.2f s of movement (goal <= %.0f s)",
                    movementLostSeconds,
                    MOVEMENT_GOAL_SECONDS));
        }
        if (!checkOk) {
            breaches.add("realmctl check failed: " + checkSummary);
        }
        if (lootMissing > 0) {
            breaches.add(lootMissing + " copper the bots were told was looted durably is not in the ledger");
        }
        return breaches;
    }

    static String header() {
        return String.format(
                Locale.ROOT,
                "%-5s %-20s %-8s %8s %7s %7s %6s %8s %8s %8s %7s %-6s %8s %7s %s",
                "round",
                "fault",
                "target",
                "settled",
                "others",
                "faulted",
                "back",
                "p50 ms",
                "p99 ms",
                "max ms",
                "lost s",
                "check",
                "saves/s",
                "during",
                "verdict");
    }

    String row() {
        if (skipped != null) {
            return String.format(Locale.ROOT, "%-5d %-20s %-8s skipped: %s", round, fault.label(), target, skipped);
        }
        final boolean any = backMillis.getTotalCount() > 0;
        return String.format(
                Locale.ROOT,
                "%-5d %-20s %-8s %7.1fs %7d %7d %6d %8s %8s %8s %7.2f %-6s %8s %7s %s",
                round,
                fault.label(),
                target,
                settleSeconds,
                othersDisconnected,
                faultedBroke,
                faultedBack,
                any ? Long.toString(backMillis.getValueAtPercentile(50)) : "-",
                any ? Long.toString(backMillis.getValueAtPercentile(99)) : "-",
                any ? Long.toString(backMillis.getMaxValue()) : "-",
                movementLostSeconds,
                checkOk ? "green" : "RED",
                rate(savesBefore),
                rate(savesDuring),
                breaches().isEmpty() ? "ok" : "BREACH");
    }

    /** Saves a second, or "-" when not measured. */
    private static String rate(final double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
