package io.realmcluster.controlplane.battleground;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a character or a group may join a battleground's queue, from the applicants'
 * state alone: a pure function that returns the ticket to store, the one already stored when the
 * same join comes twice, or a refusal with its reason.
 *
 * <p>Checks in order: the request's shape (someone, nobody twice, a group only where groups may
 * queue, at most a party), a second join of the same ticket (accepted as it is, before any state
 * check, so a retry never fails where the first call passed), the battlegroup of every member's
 * realm (the leader's, for all), levels and brackets, factions, Deserter, a ticket for this
 * battleground held otherwise, then the number of queues. A member of another realm is welcome when
 * that realm is in the leader's battlegroup. With one ticket per character and battleground, the
 * limit of {@link #MAX_QUEUES} guards against stored state that breaks that rule.
 */
public final class QueueRules {
    /** Queues a character may wait in at once. */
    public static final int MAX_QUEUES = 3;
    /** Members of a group that queues as one ticket: a party. */
    public static final int MAX_GROUP_SIZE = 5;

    private final Battlegroups battlegroups;

    public QueueRules(final Battlegroups battlegroups) {
        this.battlegroups = battlegroups;
    }

    public JoinDecision join(final JoinRequest request, final long nowMillis) {
        final Battleground battleground = request.battleground();
        final List<Applicant> applicants = request.applicants();
        final Optional<JoinDecision.Refused> shape = shape(request);
        if (shape.isPresent()) {
            return shape.get();
        }
        final String ticketId = request.group()
                .map(group -> Ticket.groupId(battleground, group))
                .orElseGet(() -> Ticket.soloId(battleground, applicants.get(0).character()));
        final Optional<Ticket> held = heldFor(applicants.get(0), battleground);
        if (held.isPresent() && held.get().id().equals(ticketId) && sameMembers(held.get(), applicants)) {
            return new JoinDecision.Accepted(held.get(), true);
        }

        final Applicant leader = applicants.get(0);
        final Optional<String> battlegroup =
                battlegroups.battlegroupOf(leader.character().realm());
        final Optional<Bracket> bracket =
                battleground.bracketFor(leader.member().level());
        for (final Applicant applicant : applicants) {
            final Member member = applicant.member();
            final Optional<String> own =
                    battlegroups.battlegroupOf(member.character().realm());
            if (own.isEmpty()) {
                return refuse(
                        Refusal.REALM_WITHOUT_BATTLEGROUP,
                        "realm %s of %s is in no battlegroup; an operator adds it with realmctl",
                        member.character().realm(),
                        applicant.displayName());
            }
            if (!own.equals(battlegroup)) {
                return refuse(
                        Refusal.BATTLEGROUPS_DIFFER,
                        "%s is of realm %s in battlegroup %s, the leader's realm %s is in %s; only realms of one"
                                + " battlegroup queue together",
                        applicant.displayName(),
                        member.character().realm(),
                        own.get(),
                        leader.character().realm(),
                        battlegroup.orElseThrow());
            }
            final Optional<Bracket> memberBracket = battleground.bracketFor(member.level());
            if (memberBracket.isEmpty()) {
                return refuse(
                        Refusal.LEVEL_OUT_OF_RANGE,
                        "%s is level %d; %s takes levels %d to %d",
                        applicant.displayName(),
                        member.level(),
                        battleground.title(),
                        battleground.minLevel(),
                        battleground.maxLevel());
            }
            if (!memberBracket.equals(bracket)) {
                return refuse(
                        Refusal.BRACKETS_DIFFER,
                        "%s (level %d) is in the %s bracket of %s, the leader (level %d) in %s; a group queues"
                                + " in one bracket",
                        applicant.displayName(),
                        member.level(),
                        memberBracket.get(),
                        battleground.title(),
                        leader.member().level(),
                        bracket.orElseThrow());
            }
            if (member.faction() != leader.member().faction()) {
                return refuse(
                        Refusal.FACTIONS_DIFFER,
                        "%s is of the %s, the leader of the %s; a group queues for one side",
                        applicant.displayName(),
                        member.faction(),
                        leader.member().faction());
            }
        }
        for (final Applicant applicant : applicants) {
            if (applicant.deserterUntilMillis() > nowMillis) {
                final long seconds = (applicant.deserterUntilMillis() - nowMillis + 999) / 1000;
                return refuse(
                        Refusal.DESERTER,
                        "%s has Deserter for %d s more; it runs out offline too, then queue again",
                        applicant.displayName(),
                        seconds);
            }
        }
        for (final Applicant applicant : applicants) {
            final Optional<Ticket> other = heldFor(applicant, battleground);
            if (other.isPresent()) {
                return refuse(
                        Refusal.QUEUED_ON_ANOTHER_TICKET,
                        "%s already waits for %s on ticket %s; leave that queue first",
                        applicant.displayName(),
                        battleground.title(),
                        other.get().id());
            }
        }
        for (final Applicant applicant : applicants) {
            if (applicant.tickets().size() >= MAX_QUEUES) {
                return refuse(
                        Refusal.TOO_MANY_QUEUES,
                        "%s already waits in %d queues, the most at once; leave one first",
                        applicant.displayName(),
                        applicant.tickets().size());
            }
        }
        final QueueKey queue = new QueueKey(battlegroup.orElseThrow(), battleground, bracket.orElseThrow());
        final List<Member> members = new ArrayList<>(applicants.size());
        for (final Applicant applicant : applicants) {
            members.add(applicant.member());
        }
        final Ticket ticket = request.group()
                .map(group -> Ticket.ofGroup(queue, group, members, nowMillis))
                .orElseGet(() -> Ticket.solo(queue, members.get(0), nowMillis));
        return new JoinDecision.Accepted(ticket, false);
    }

    private static Optional<JoinDecision.Refused> shape(final JoinRequest request) {
        final List<Applicant> applicants = request.applicants();
        final Battleground battleground = request.battleground();
        if (applicants.isEmpty()) {
            return Optional.of(
                    refuse(Refusal.MALFORMED, "a join names nobody; name the character or the group's members"));
        }
        if (request.group().isEmpty() && applicants.size() > 1) {
            return Optional.of(
                    refuse(Refusal.MALFORMED, "a join of %d characters needs their group's id", applicants.size()));
        }
        final Set<CharacterKey> seen = new HashSet<>();
        for (final Applicant applicant : applicants) {
            if (!seen.add(applicant.character())) {
                return Optional.of(refuse(Refusal.MALFORMED, "a join names %s twice", applicant.displayName()));
            }
        }
        if (request.group().isPresent() && !battleground.groupsAllowed()) {
            return Optional.of(refuse(
                    Refusal.GROUP_NOT_ALLOWED,
                    "%s takes players one by one; each member joins alone",
                    battleground.title()));
        }
        if (applicants.size() > MAX_GROUP_SIZE) {
            return Optional.of(refuse(
                    Refusal.GROUP_TOO_LARGE,
                    "a group of %d may not queue together; at most %d (a party) may",
                    applicants.size(),
                    MAX_GROUP_SIZE));
        }
        return Optional.empty();
    }

    private static Optional<Ticket> heldFor(final Applicant applicant, final Battleground battleground) {
        for (final Ticket ticket : applicant.tickets()) {
            if (ticket.battleground() == battleground && ticket.holds(applicant.character())) {
                return Optional.of(ticket);
            }
        }
        return Optional.empty();
    }

    private static boolean sameMembers(final Ticket ticket, final List<Applicant> applicants) {
        if (ticket.size() != applicants.size()) {
            return false;
        }
        for (final Applicant applicant : applicants) {
            if (!ticket.holds(applicant.character())) {
                return false;
            }
        }
        return true;
    }

    private static JoinDecision.Refused refuse(final Refusal reason, final String format, final Object... args) {
        return new JoinDecision.Refused(reason, String.format(Locale.ROOT, format, args));
    }
}
