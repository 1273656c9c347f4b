package io.realmcluster.controlplane.battleground;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A queue's waiting tickets split by faction, each side in join order: the index the leader keeps
 * for queue positions, and what a matchmaker pass reads. Each side also keeps its tickets' sizes and
 * join times in arrays, so that a pass walks primitives in order instead of every ticket's objects.
 */
public final class QueueTickets {
    private final Side alliance;
    private final Side horde;

    /** Each side's tickets, in any order (sorted here into join order). */
    public QueueTickets(final List<Ticket> alliance, final List<Ticket> horde) {
        this.alliance = new Side(alliance);
        this.horde = new Side(horde);
    }

    /** The Alliance's tickets, oldest first. */
    public List<Ticket> alliance() {
        return alliance.tickets;
    }

    /** The Horde's tickets, oldest first. */
    public List<Ticket> horde() {
        return horde.tickets;
    }

    Side side(final Faction faction) {
        return faction == Faction.ALLIANCE ? alliance : horde;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof QueueTickets that
                && alliance.tickets.equals(that.alliance.tickets)
                && horde.tickets.equals(that.horde.tickets);
    }

    @Override
    public int hashCode() {
        return 31 * alliance.tickets.hashCode() + horde.tickets.hashCode();
    }

    @Override
    public String toString() {
        return "QueueTickets[alliance=" + alliance.tickets + ", horde=" + horde.tickets + "]";
    }

    /** One faction's tickets in join order, with their sizes, join times and how many there are of each size. */
    static final class Side {
        final List<Ticket> tickets;
        final int[] sizes;
        final long[] joinedAtMillis;
        /** Tickets of each size (seats), index 0 unused. */
        final int[] countBySize;

        private Side(final List<Ticket> given) {
            final Ticket[] sorted = given.toArray(new Ticket[0]);
            if (!inJoinOrder(sorted)) {
                Arrays.sort(sorted, Ticket.JOIN_ORDER);
            }
            tickets = List.of(sorted);
            sizes = new int[sorted.length];
            joinedAtMillis = new long[sorted.length];
            int largest = 0;
            for (int i = 0; i < sorted.length; i++) {
                sizes[i] = sorted[i].size();
                joinedAtMillis[i] = sorted[i].joinedAtMillis();
                largest = Math.max(largest, sizes[i]);
            }
            countBySize = new int[largest + 1];
            for (final int size : sizes) {
                countBySize[size]++;
            }
        }

        private static boolean inJoinOrder(final Ticket[] tickets) {
            for (int i = 1; i < tickets.length; i++) {
                if (Ticket.JOIN_ORDER.compare(tickets[i - 1], tickets[i]) > 0) {
                    return false;
                }
            }
            return true;
        }

        /** Tickets that joined at or before {@code millis}: they come first, being in join order. */
        int joinedBy(final long millis) {
            int low = 0;
            int high = joinedAtMillis.length;
            while (low < high) {
                final int mid = (low + high) >>> 1;
                if (joinedAtMillis[mid] <= millis) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
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
