package io.realmcluster.tools.chaos;

import java.util.HashMap;
import java.util.Map;

/**
 * Character saves per second that landed, over the nodes' {@code realm_node_saves_total} counters between two
 * readings: a node restarted meanwhile counts from zero again, a node that did not answer counts nothing.
 */
final class SaveRate {
    static final String SAVES = "realm_node_saves_total";

    /** The counter of each node that answered, at {@code nanos} ({@link System#nanoTime()}). */
    record Reading(long nanos, Map<String, Double> byNode) {}

    private SaveRate() {}

    /** Saves a second from {@code from} to {@code to}; NaN when either is missing or no time passed. */
    static double perSecond(final Reading from, final Reading to) {
        if (from == null || to == null || to.nanos() <= from.nanos()) {
            return Double.NaN;
        }
        double saves = 0;
        for (final Map.Entry<String, Double> node : to.byNode().entrySet()) {
            final Double before = from.byNode().get(node.getKey());
            saves += before == null || node.getValue() < before ? node.getValue() : node.getValue() - before;
        }
        return saves / ((to.nanos() - from.nanos()) / 1e9);
    }

    /** A reading made of {@code counters} (node to counter value) now. */
    static Reading of(final long nanos, final Map<String, Double> counters) {
        return new Reading(nanos, new HashMap<>(counters));
    }
}
