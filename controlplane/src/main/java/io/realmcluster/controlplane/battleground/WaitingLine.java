package io.realmcluster.controlplane.battleground;

import java.util.Arrays;
import java.util.List;

/**
 * One faction's waiting tickets of a queue during one matchmaker pass, oldest first, with the ones
 * already given a seat in this pass marked as taken. A ticket that has waited at least the hold
 * time is <em>held</em>: a later ticket may not be seated ahead of it, so a group that does not fit
 * is passed by smaller tickets only until then.
 */
final class WaitingLine {
    private static final int[] NO_PAIR = new int[0];

    private final List<Ticket> tickets;
    private final int[] sizes;
    /** Tickets before this index have waited the hold time (the line is in join order). */
    private final int heldBefore;

    private final boolean[] taken;
    /** Untaken tickets of each size; index 0 unused. */
    private final int[] remainingBySize;

    private final int[] selected;
    private int selectedCount;
    private int first;

    private WaitingLine(
            final QueueTickets.Side side, final int teamSize, final long nowMillis, final long holdAfterMillis) {
        tickets = side.tickets;
        sizes = side.sizes;
        heldBefore = side.joinedBy(nowMillis - holdAfterMillis);
        taken = new boolean[sizes.length];
        remainingBySize = Arrays.copyOf(side.countBySize, Math.max(teamSize + 1, side.countBySize.length));
        selected = new int[teamSize];
    }

    /** One faction's waiting tickets of a queue, as the leader's index keeps them. */
    static WaitingLine of(
            final QueueTickets.Side side, final int teamSize, final long nowMillis, final long holdAfterMillis) {
        return new WaitingLine(side, teamSize, nowMillis, holdAfterMillis);
    }

    /**
     * Selects, without taking them, the oldest untaken tickets that fit together in {@code capacity}
     * seats, passing over tickets that do not fit unless they are held; returns the seats selected.
     */
    int select(final int capacity) {
        selectedCount = 0;
        int seats = 0;
        final int smallest = smallestRemaining();
        for (int i = first; i < sizes.length && capacity - seats >= smallest; i++) {
            if (taken[i]) {
                continue;
            }
            if (seats + sizes[i] <= capacity) {
                selected[selectedCount++] = i;
                seats += sizes[i];
            } else if (i < heldBefore) {
                break;
            }
        }
        return seats;
    }

    /** Takes the tickets of the last {@link #select}, in join order. */
    List<Ticket> takeSelected() {
        final Ticket[] team = new Ticket[selectedCount];
        for (int s = 0; s < selectedCount; s++) {
            team[s] = take(selected[s]);
        }
        advanceFirst();
        return List.of(team);
    }

    /**
     * The oldest ticket of this line that a top-up can seat now, given {@code own} and {@code
     * opposing} players in the two teams: alone when its team stays at most the other's count, or
     * with exactly as many of {@code other}'s oldest as it puts its team ahead; null when none can,
     * or when a held ticket cannot and so no later ticket may.
     */
    Candidate topUpCandidate(final WaitingLine other, final int own, final int opposing, final int teamSize) {
        // Every ticket of one size is equally (un)seatable in one call: remember the sizes that are not.
        long deadSizes = 0;
        final long liveSizes = sizesPresent();
        for (int i = first; i < sizes.length && (liveSizes & ~deadSizes) != 0; i++) {
            if (taken[i]) {
                continue;
            }
            final int size = sizes[i];
            if ((deadSizes & (1L << size)) == 0) {
                final int need = own + size - opposing;
                if (own + size <= teamSize) {
                    if (need <= 0) {
                        return new Candidate(this, i, NO_PAIR);
                    }
                    if (other.select(need) == need) {
                        return new Candidate(this, i, Arrays.copyOf(other.selected, other.selectedCount));
                    }
                }
                deadSizes |= 1L << size;
            }
            if (i < heldBefore) {
                return null;
            }
        }
        return null;
    }

    void take(final int[] indexes, final List<Ticket> team) {
        for (final int i : indexes) {
            team.add(take(i));
        }
        advanceFirst();
    }

    private Ticket take(final int i) {
        if (taken[i]) {
            throw new IllegalStateException("ticket " + tickets.get(i).id() + " taken twice in one pass");
        }
        taken[i] = true;
        remainingBySize[sizes[i]]--;
        return tickets.get(i);
    }

    private void advanceFirst() {
        while (first < sizes.length && taken[first]) {
            first++;
        }
    }

    private int smallestRemaining() {
        for (int size = 1; size < remainingBySize.length; size++) {
            if (remainingBySize[size] > 0) {
                return size;
            }
        }
        return Integer.MAX_VALUE;
    }

    private long sizesPresent() {
        long present = 0;
        for (int size = 1; size < remainingBySize.length; size++) {
            if (remainingBySize[size] > 0) {
                present |= 1L << size;
            }
        }
        return present;
    }

    Ticket ticket(final int index) {
        return tickets.get(index);
    }

    /** A ticket a top-up can seat, with the tickets of the other line that must come with it. */
    record Candidate(WaitingLine line, int index, int[] pair) {
        Ticket ticket() {
            return line.tickets.get(index);
        }
    }
}
