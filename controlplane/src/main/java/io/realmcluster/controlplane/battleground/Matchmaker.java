package io.realmcluster.controlplane.battleground;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Proposes matches for a queue: a pure function of its waiting tickets, its running matches and the
 * time, with the same proposals for the same input.
 *
 * <p>Running matches are topped up first, in the order given. A top-up never puts a team past the
 * other team's count: after it, a team that gained players has at most as many as the other. So it
 * seats the team with fewer players up to the other's count, and level teams gain in equal numbers
 * (a ticket of k players goes in only with exactly k players of the other faction). Then new
 * matches form from what is left: each team takes its oldest tickets that fit in the battleground's
 * team size; the larger team is cut down to one player more than the smaller (again oldest first)
 * until the two are at most one apart; a match is proposed when both teams reach the minimum.
 *
 * <p>A group's ticket is seated whole or not at all. A later ticket that fits may be seated ahead
 * of one that does not, but only until that ticket has waited {@code holdAfter}: from then on no
 * later ticket of its faction passes it, in top-ups and in new matches alike, so it takes the first
 * seats that open for it before anyone who joined after it.
 */
public final class Matchmaker {
    /** The default time after which a waiting ticket is passed by no later one. */
    public static final Duration DEFAULT_HOLD_AFTER = Duration.ofSeconds(60);

    private final long holdAfterMillis;

    public Matchmaker(final Duration holdAfter) {
        if (holdAfter.isNegative()) {
            throw new IllegalArgumentException("holdAfter must not be negative, got " + holdAfter);
        }
        this.holdAfterMillis = holdAfter.toMillis();
    }

    /**
     * The proposals for every queue that has tickets, by queue: {@code running} holds each queue's
     * running matches that still take players, oldest first.
     */
    public SortedMap<QueueKey, List<Proposal>> proposeAll(
            final Collection<Ticket> tickets, final Map<QueueKey, List<RunningMatch>> running, final long nowMillis) {
        return proposeAll(index(tickets), running, nowMillis);
    }

    /** As {@link #proposeAll(Collection, Map, long)}, from tickets already split by queue and faction. */
    public SortedMap<QueueKey, List<Proposal>> proposeAll(
            final Map<QueueKey, QueueTickets> index,
            final Map<QueueKey, List<RunningMatch>> running,
            final long nowMillis) {
        final SortedMap<QueueKey, List<Proposal>> proposals = new TreeMap<>();
        for (final Map.Entry<QueueKey, QueueTickets> queue : index.entrySet()) {
            final QueueKey key = queue.getKey();
            final List<Proposal> made = propose(key, queue.getValue(), running.getOrDefault(key, List.of()), nowMillis);
            if (!made.isEmpty()) {
                proposals.put(key, made);
            }
        }
        return proposals;
    }

    /** Splits tickets by queue and faction in one walk, keeping their order (join order when given so). */
    public static Map<QueueKey, QueueTickets> index(final Collection<Ticket> tickets) {
        final Map<QueueKey, QueueTickets.Builder> byQueue = new HashMap<>();
        for (final Ticket ticket : tickets) {
            QueueTickets.Builder queue = byQueue.get(ticket.queue());
            if (queue == null) {
                queue = new QueueTickets.Builder();
                byQueue.put(ticket.queue(), queue);
            }
            queue.add(ticket);
        }
        final Map<QueueKey, QueueTickets> index = new HashMap<>();
        byQueue.forEach((queue, builder) -> index.put(queue, builder.build()));
        return index;
    }

    /**
     * The proposals for one queue: top-ups of {@code running} (oldest first) in that order, then new
     * matches. {@code tickets} are the queue's waiting tickets of both factions, in any order.
     */
    public List<Proposal> propose(
            final QueueKey queue, final List<Ticket> tickets, final List<RunningMatch> running, final long nowMillis) {
        final List<Ticket> alliance = new ArrayList<>();
        final List<Ticket> horde = new ArrayList<>();
        for (final Ticket ticket : tickets) {
            if (!ticket.queue().equals(queue)) {
                throw new IllegalArgumentException("ticket " + ticket.id() + " waits in " + ticket.queue() + ", not in "
                        + queue + ": group tickets by queue first");
            }
            (ticket.faction() == Faction.ALLIANCE ? alliance : horde).add(ticket);
        }
        return propose(queue, new QueueTickets(alliance, horde), running, nowMillis);
    }

    private List<Proposal> propose(
            final QueueKey queue, final QueueTickets tickets, final List<RunningMatch> running, final long nowMillis) {
        final int teamSize = queue.battleground().teamSize();
        final WaitingLine allianceLine =
                WaitingLine.of(tickets.side(Faction.ALLIANCE), teamSize, nowMillis, holdAfterMillis);
        final WaitingLine hordeLine = WaitingLine.of(tickets.side(Faction.HORDE), teamSize, nowMillis, holdAfterMillis);
        final List<Proposal> proposals = new ArrayList<>();
        for (final RunningMatch match : running) {
            if (match.alliance() > teamSize || match.horde() > teamSize) {
                throw new IllegalArgumentException(
                        "match " + match + " of " + queue + " has more than " + teamSize + " players a team");
            }
            topUp(queue, match, allianceLine, hordeLine).ifPresent(proposals::add);
        }
        while (true) {
            final Optional<Proposal> match = newMatch(queue, allianceLine, hordeLine);
            if (match.isEmpty()) {
                return proposals;
            }
            proposals.add(match.get());
        }
    }

    private static Optional<Proposal> topUp(
            final QueueKey queue, final RunningMatch match, final WaitingLine alliance, final WaitingLine horde) {
        final int teamSize = queue.battleground().teamSize();
        int allianceCount = match.alliance();
        int hordeCount = match.horde();
        final List<Ticket> toAlliance = new ArrayList<>();
        final List<Ticket> toHorde = new ArrayList<>();
        while (true) {
            final WaitingLine.Candidate a = alliance.topUpCandidate(horde, allianceCount, hordeCount, teamSize);
            final WaitingLine.Candidate h = horde.topUpCandidate(alliance, hordeCount, allianceCount, teamSize);
            final WaitingLine.Candidate pick;
            if (a == null || h == null) {
                pick = a == null ? h : a;
            } else {
                pick = Ticket.JOIN_ORDER.compare(a.ticket(), h.ticket()) <= 0 ? a : h;
            }
            if (pick == null) {
                break;
            }
            final boolean toA = pick.line() == alliance;
            final List<Ticket> own = toA ? toAlliance : toHorde;
            final List<Ticket> other = toA ? toHorde : toAlliance;
            final int ownBefore = own.size();
            final int otherBefore = other.size();
            pick.line().take(new int[] {pick.index()}, own);
            (toA ? horde : alliance).take(pick.pair(), other);
            final int ownGained = seats(own, ownBefore);
            final int otherGained = seats(other, otherBefore);
            allianceCount += toA ? ownGained : otherGained;
            hordeCount += toA ? otherGained : ownGained;
        }
        if (toAlliance.isEmpty() && toHorde.isEmpty()) {
            return Optional.empty();
        }
        toAlliance.sort(Ticket.JOIN_ORDER);
        toHorde.sort(Ticket.JOIN_ORDER);
        return Optional.of(new Proposal(queue, Optional.of(match.matchId()), toAlliance, toHorde));
    }

    private static int seats(final List<Ticket> team, final int from) {
        int seats = 0;
        for (int i = from; i < team.size(); i++) {
            seats += team.get(i).size();
        }
        return seats;
    }

    private static Optional<Proposal> newMatch(
            final QueueKey queue, final WaitingLine alliance, final WaitingLine horde) {
        final Battleground battleground = queue.battleground();
        int allianceCap = battleground.teamSize();
        int hordeCap = battleground.teamSize();
        while (true) {
            final int allianceSeats = alliance.select(allianceCap);
            final int hordeSeats = horde.select(hordeCap);
            if (allianceSeats < battleground.minPerTeam() || hordeSeats < battleground.minPerTeam()) {
                return Optional.empty();
            }
            if (allianceSeats > hordeSeats + 1) {
                allianceCap = hordeSeats + 1;
            } else if (hordeSeats > allianceSeats + 1) {
                hordeCap = allianceSeats + 1;
            } else {
                return Optional.of(
                        new Proposal(queue, Optional.empty(), alliance.takeSelected(), horde.takeSelected()));
            }
        }
    }
}
