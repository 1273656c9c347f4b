package io.realmcluster.controlplane.battleground;

import java.util.ArrayList;
import java.util.List;

/**
 * A queue's waiting tickets split by faction, each side in join order: the index the leader keeps
 * for queue positions, and what a matchmaker pass reads.
 */
public record QueueTickets(List<Ticket> alliance, List<Ticket> horde) {
    public QueueTickets {
        alliance = List.copyOf(alliance);
        horde = List.copyOf(horde);
    }

    /** Builds a queue's {@link QueueTickets} ticket by ticket. */
    static final class Builder {
        private final List<Ticket> alliance = new ArrayList<>();
        private final List<Ticket> horde = new ArrayList<>();

        void add(final Ticket ticket) {
            (ticket.faction() == Faction.ALLIANCE ? alliance : horde).add(ticket);
        }

        QueueTickets build() {
            return new QueueTickets(alliance, horde);
        }
    }
}
