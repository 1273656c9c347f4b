package io.realmcluster.controlplane.battleground;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A request to queue for a battleground: one character alone, or a group (its leader first). */
public record JoinRequest(Battleground battleground, Optional<String> group, List<Applicant> applicants) {
    public JoinRequest {
        Objects.requireNonNull(battleground, "battleground");
        Objects.requireNonNull(group, "group");
        applicants = List.copyOf(applicants);
    }

    public static JoinRequest solo(final Battleground battleground, final Applicant applicant) {
        return new JoinRequest(battleground, Optional.empty(), List.of(applicant));
    }

    public static JoinRequest ofGroup(
            final Battleground battleground, final String group, final List<Applicant> applicants) {
        return new JoinRequest(battleground, Optional.of(group), applicants);
    }
}
