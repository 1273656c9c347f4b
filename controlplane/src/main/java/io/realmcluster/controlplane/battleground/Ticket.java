package io.realmcluster.controlplane.battleground;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A place in one queue: one character, or a group whose members go into the same team together.
 * Its id is derived from who holds it ({@link #soloId}, {@link #groupId}), so that joining twice
 * finds the same ticket. The join time orders the queue; the id breaks ties.
 */
public record Ticket(
        String id, QueueKey queue, Faction faction, Optional<String> group, List<Member> members, long joinedAtMillis) {
    /** Oldest first, then by id: the one order every decision about a queue follows. */
    public static final Comparator<Ticket> JOIN_ORDER = (a, b) -> {
        final int byTime = Long.compare(a.joinedAtMillis, b.joinedAtMillis);
        return byTime != 0 ? byTime : a.id.compareTo(b.id);
    };

    public Ticket {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(faction, "faction");
        Objects.requireNonNull(group, "group");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("ticket " + id + " has no member");
        }
        if (members.size() > queue.battleground().teamSize()) {
            throw new IllegalArgumentException("ticket " + id + " has " + members.size() + " members, more than a "
                    + queue.battleground().title() + " team");
        }
        final Set<CharacterKey> seen = new HashSet<>();
        for (final Member member : members) {
            if (member.faction() != faction) {
                throw new IllegalArgumentException(
                        "ticket " + id + " of the " + faction + " holds " + member + " of the other faction");
            }
            if (!seen.add(member.character())) {
                throw new IllegalArgumentException("ticket " + id + " names " + member.character() + " twice");
            }
        }
    }

    /** A ticket of one character, not in a group. */
    public static Ticket solo(final QueueKey queue, final Member member, final long joinedAtMillis) {
        return new Ticket(
                soloId(queue.battleground(), member.character()),
                queue,
                member.faction(),
                Optional.empty(),
                List.of(member),
                joinedAtMillis);
    }

    /** A group's ticket; {@code members} in the group's order, its leader first. */
    public static Ticket ofGroup(
            final QueueKey queue, final String group, final List<Member> members, final long joinedAtMillis) {
        return new Ticket(
                groupId(queue.battleground(), group),
                queue,
                members.get(0).faction(),
                Optional.of(group),
                members,
                joinedAtMillis);
    }

    /** The id of a character's own ticket for a battleground. */
    public static String soloId(final Battleground battleground, final CharacterKey character) {
        return battleground + "/" + character;
    }

    /** The id of a group's ticket for a battleground. */
    public static String groupId(final Battleground battleground, final String group) {
        return battleground + "/group/" + group;
    }

    /** Seats the ticket takes in its team. */
    public int size() {
        return members.size();
    }

    public Battleground battleground() {
        return queue.battleground();
    }

    public boolean holds(final CharacterKey character) {
        for (final Member member : members) {
            if (member.character().equals(character)) {
                return true;
            }
        }
        return false;
    }
}
