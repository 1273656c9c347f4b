package io.realmcluster.controlplane.battleground;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the matchmaker proposes for a queue: tickets to invite into a running match (a top-up, with
 * its match id) or into a new match (no match id), each ticket in the team of its faction.
 */
public record Proposal(QueueKey queue, Optional<String> matchId, List<Ticket> alliance, List<Ticket> horde) {
    public Proposal {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(matchId, "matchId");
        alliance = List.copyOf(alliance);
        horde = List.copyOf(horde);
    }

    public boolean isTopUp() {
        return matchId.isPresent();
    }

    /** The tickets that go into {@code faction}'s team. */
    public List<Ticket> team(final Faction faction) {
        return faction == Faction.ALLIANCE ? alliance : horde;
    }

    /** Players that go into {@code faction}'s team. */
    public int players(final Faction faction) {
        int players = 0;
        for (final Ticket ticket : team(faction)) {
            players += ticket.size();
        }
        return players;
    }

    /** {@code new A[t1 t3] H[t2]} or {@code top-up m1 A[] H[t2]}, tickets in join order. */
    public String summary() {
        return matchId.map(id -> "top-up " + id).orElse("new") + " A[" + ids(alliance) + "] H[" + ids(horde) + "]";
    }

    private static String ids(final List<Ticket> tickets) {
        return tickets.stream().map(Ticket::id).collect(Collectors.joining(" "));
    }
}
