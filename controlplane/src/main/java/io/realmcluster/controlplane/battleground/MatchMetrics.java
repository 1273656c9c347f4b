package io.realmcluster.controlplane.battleground;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.proto.v1.BattlegroundMatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The battleground queues' and matches' series: queue sizes and the longest wait per queue and
 * faction, the waits of the players a pop takes, pops, invites by outcome, the matches running and
 * the lengths of those ended, set by the leader's passes (a follower's series stay empty).
 */
public final class MatchMetrics {
    private final Gauge waiting;
    private final Gauge longestWait;
    private final Gauge running;
    private final Counter pops;
    private final Counter invites;
    private final Histogram waits;
    private final Histogram lengths;

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
        waits = Histogram.builder()
                .name("realm_battleground_wait_seconds")
                .help("How long the players a pop took out of a battleground queue had waited in it")
                .labelNames("battleground")
                .classicOnly()
                .classicUpperBounds(5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
                .register(registry);
        lengths = Histogram.builder()
                .name("realm_battleground_match_length_seconds")
                .help("Ended battleground matches, from the pop to the end, by how they ended: decided (a winner or a "
                        + "draw reported by the battleground's node) or no_result (its node lost)")
                .labelNames("battleground", "result")
                .classicOnly()
                .classicUpperBounds(60, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200)
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

    void popped(final Proposal proposal, final long nowMillis) {
        final String battleground = proposal.queue().battleground().name();
        pops.labelValues(battleground, proposal.isTopUp() ? "top_up" : "new").inc();
        for (final List<Ticket> team : List.of(proposal.alliance(), proposal.horde())) {
            for (final Ticket ticket : team) {
                final double waited = Math.max(0, nowMillis - ticket.joinedAtMillis()) / 1000.0;
                for (int player = 0; player < ticket.size(); player++) {
                    waits.labelValues(battleground).observe(waited);
                }
            }
        }
    }

    /** A match went ENDED: its length from the pop, by whether its node reported a result. */
    void ended(final BattlegroundMatch match) {
        final boolean decided =
                match.getDraw() || match.getWinner() != io.realmcluster.proto.v1.Faction.FACTION_UNSPECIFIED;
        final String battleground = StoredTickets.battleground(match.getBattleground())
                .map(Battleground::name)
                .orElse(match.getBattleground().name());
        lengths.labelValues(battleground, decided ? "decided" : "no_result")
                .observe(Math.max(0, match.getEndedAtUnixMs() - match.getProposedAtUnixMs()) / 1000.0);
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
