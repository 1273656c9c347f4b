package io.realmcluster.controlplane.battleground;

import java.util.List;
import java.util.Objects;

/**
 * A character that asks to queue, alone or in its group, with what the rules look at: its level and
 * faction now, when its Deserter runs out (0 or a past time when it has none) and the tickets it
 * already holds.
 */
public record Applicant(Member member, String name, long deserterUntilMillis, List<Ticket> tickets) {
    public Applicant {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(name, "name");
        tickets = List.copyOf(tickets);
    }

    /** One whose name is unknown: refusals name it by realm and id. */
    public Applicant(final Member member, final long deserterUntilMillis, final List<Ticket> tickets) {
        this(member, "", deserterUntilMillis, tickets);
    }

    /** One with no Deserter and no ticket. */
    public static Applicant free(final Member member) {
        return new Applicant(member, 0, List.of());
    }

    public CharacterKey character() {
        return member.character();
    }

    /** How players are shown across realms: {@code Name-Realm}; {@code realm/id} when the name is unknown. */
    public String displayName() {
        return name.isEmpty()
                ? member.character().toString()
                : name + "-" + member.character().realm();
    }
}
