package io.realmcluster.controlplane.battleground;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The battleground queues' and matches' series: queue sizes and the longest wait per queue and
 * faction, pops, invites by outcome and the matches running, set by the leader's passes (a
 * follower's gauges stay empty).
 */
public final class MatchMetrics {
    private final Gauge waiting;
    private final Gauge longestWait;
    private final Gauge running;
    private final Counter pops;
    private final Counter invites;

    public MatchMetrics(final PrometheusRegistry registry) {
        waiting = Gauge.builder()
                .name("realm_battleground_queue_players")
                .help("Players waiting in a battleground queue (tickets of players not away), by faction")
                .labelNames("battlegroup", "battleground", "bracket", "faction")
                .register(registry);
        longestWait = Gauge.builder()
                .name("realm_battleground_queue_longest_wait_seconds")
                .help("How long the oldest ticket of a battleground queue has waited")
                .labelNames("battlegroup", "battleground", "bracket")
                .register(registry);
        running = Gauge.builder()
                .name("realm_battleground_matches_running")
                .help("Battleground matches running (instance created, invites out)")
                .labelNames("battlegroup", "battleground", "bracket")
                .register(registry);
        pops = Counter.builder()
                .name("realm_battleground_pops_total")
                .help("Proposals taken out of the queue: new matches and top-ups")
                .labelNames("battleground", "kind")
                .register(registry);
        invites = Counter.builder()
                .name("realm_battleground_invites_total")
                .help("Invites answered or run out, by outcome")
                .labelNames("outcome")
                .register(registry);
        for (final String outcome : List.of("accepted", "declined", "expired")) {
            invites.initLabelValues(outcome);
        }
    }

    /** The queue as a pass saw it: {@code waiting} are the tickets of players not away. */
    void queues(final List<Ticket> tickets, final long nowMillis) {
        final Map<List<String>, Integer> players = new HashMap<>();
        final Map<List<String>, Long> oldest = new HashMap<>();
        for (final Ticket ticket : tickets) {
            final List<String> queue = labels(ticket.queue());
            final List<String> byFaction = List.of(
                    queue.get(0), queue.get(1), queue.get(2), ticket.faction().name());
            players.merge(byFaction, ticket.size(), Integer::sum);
            oldest.merge(queue, ticket.joinedAtMillis(), Math::min);
        }
        waiting.clear();
        longestWait.clear();
        players.forEach((labels, count) ->
                waiting.labelValues(labels.toArray(new String[0])).set(count));
        oldest.forEach((labels, since) ->
                longestWait.labelValues(labels.toArray(new String[0])).set(Math.max(0, nowMillis - since) / 1000.0));
    }

    void running(final Map<QueueKey, int[]> matches) {
        running.clear();
        matches.forEach((queue, count) ->
                running.labelValues(labels(queue).toArray(new String[0])).set(count[0]));
    }

    void popped(final Proposal proposal) {
        pops.labelValues(proposal.queue().battleground().name(), proposal.isTopUp() ? "top_up" : "new")
                .inc();
    }

    void invites(final String outcome, final int count) {
        invites.labelValues(outcome).inc(count);
    }

    private static List<String> labels(final QueueKey queue) {
        return List.of(
                queue.battlegroup(),
                queue.battleground().name(),
                queue.bracket().toString());
    }
}
