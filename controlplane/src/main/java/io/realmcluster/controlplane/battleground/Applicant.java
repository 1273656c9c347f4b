package io.realmcluster.controlplane.battleground;

import java.util.List;
import java.util.Objects;

/**
 * A character that asks to queue, alone or in its group, with what the rules look at: its level and
 * faction now, when its Deserter runs out (0 or a past time when it has none) and the tickets it
 * already holds.
 */
public record Applicant(Member member, long deserterUntilMillis, List<Ticket> tickets) {
    public Applicant {
        Objects.requireNonNull(member, "member");
        tickets = List.copyOf(tickets);
    }

    /** One with no Deserter and no ticket. */
    public static Applicant free(final Member member) {
        return new Applicant(member, 0, List.of());
    }

    public CharacterKey character() {
        return member.character();
    }
}
