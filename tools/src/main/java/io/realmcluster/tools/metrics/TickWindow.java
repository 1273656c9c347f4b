package io.realmcluster.tools.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's ticks between two scrapes, all its maps together, from its
 * {@code realm_node_tick_duration_seconds} histogram: percentiles are bucket upper bounds, so a
 * p99 of 0.002 means "99% of ticks took at most 2 ms".
 *
 * @param p99Seconds        the smallest bucket bound at or above 99% of the ticks
 * @param nextBucketSeconds the bucket bound after that one (the resolution a comparison allows)
 * @param maxSeconds        the bound of the highest bucket holding a tick (infinite past the last bound)
 * @param ticks             ticks in the window
 * @param overruns          ticks skipped because the one before ran past their start
 */
public record TickWindow(double p99Seconds, double nextBucketSeconds, double maxSeconds, long ticks, double overruns) {
    /** How long each tick lasted. */
    public static final String DURATIONS = "realm_node_tick_duration_seconds";
    /** The tick thread's CPU time in each tick. */
    public static final String CPU = "realm_node_tick_cpu_seconds";

    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** Scrapes of the same node taken at the start and at the end of a stretch of time. */
    public record Span(Scrape before, Scrape after) {}

    /** The tick durations between two scrapes. */
    public static TickWindow between(final Scrape before, final Scrape after) {
        return between(DURATIONS, before, after);
    }

    /** {@code histogram} ({@link #DURATIONS} or {@link #CPU}) between two scrapes. */
    public static TickWindow between(final String histogram, final Scrape before, final Scrape after) {
        return across(histogram, List.of(new Span(before, after)));
    }

    /** The tick durations of several stretches of time together, as if they were one window. */
    public static TickWindow across(final List<Span> spans) {
        return across(DURATIONS, spans);
    }

    /** {@code histogram} ({@link #DURATIONS} or {@link #CPU}) over several stretches of time together. */
    public static TickWindow across(final String histogram, final List<Span> spans) {
        final TreeMap<Double, Double> cumulative = new TreeMap<>();
        double overruns = 0;
        for (final Span span : spans) {
            cumulative(histogram, span.before(), span.after())
                    .forEach((bound, ticks) -> cumulative.merge(bound, ticks, Double::sum));
            overruns +=
                    span.after().sum("realm_node_tick_overruns") - span.before().sum("realm_node_tick_overruns");
        }
        if (cumulative.isEmpty()) {
            return new TickWindow(0, 0, 0, 0, 0);
        }
        final double total = cumulative.lastEntry().getValue();
        double p99 = Double.POSITIVE_INFINITY;
        double next = Double.POSITIVE_INFINITY;
        double max = 0;
        double below = 0;
        for (final Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (p99 == Double.POSITIVE_INFINITY && bucket.getValue() >= total * 0.99) {
                p99 = bucket.getKey();
                final Double higher = cumulative.higherKey(p99);
                next = higher == null ? p99 : higher;
            }
            if (bucket.getValue() > below) {
                max = bucket.getKey();
            }
            below = bucket.getValue();
        }
        return new TickWindow(p99, next, max, (long) total, overruns);
    }

    /** Ticks in the window that took longer than {@code seconds} (a bucket bound), from the same histogram. */
    public static long ticksOver(final Scrape before, final Scrape after, final double seconds) {
        final TreeMap<Double, Double> cumulative = cumulative(DURATIONS, before, after);
        if (cumulative.isEmpty()) {
            return 0;
        }
        final Double within = cumulative.get(seconds);
        if (within == null) {
            throw new IllegalArgumentException(
                    seconds + " s is not a bound of the tick histogram: " + cumulative.keySet());
        }
        return Math.round(cumulative.lastEntry().getValue() - within);
    }

    /** Ticks at or below each bucket bound, counted between the two scrapes. */
    private static TreeMap<Double, Double> cumulative(final String histogram, final Scrape before, final Scrape after) {
        final String bucket = histogram + "_bucket{";
        final TreeMap<Double, Double> cumulative = new TreeMap<>();
        after.samples().forEach((key, value) -> {
            if (key.startsWith(bucket)) {
                final Matcher le = LE.matcher(key);
                if (le.find()) {
                    final double bound =
                            le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                    cumulative.merge(bound, value - before.samples().getOrDefault(key, 0.0), Double::sum);
                }
            }
        });
        return cumulative;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%d ticks, p99 <= %s ms, max <= %s ms, %.0f overruns",
                ticks,
                millis(p99Seconds),
                millis(maxSeconds),
                overruns);
    }

    private static String millis(final double seconds) {
        return Double.isInfinite(seconds) ? "inf" : String.format(Locale.ROOT, "%.2f", seconds * 1000);
    }
}
