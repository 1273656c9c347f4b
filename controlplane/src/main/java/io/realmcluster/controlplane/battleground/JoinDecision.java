package io.realmcluster.controlplane.battleground;

import java.util.Objects;

/** What {@link QueueRules#join} decided: the ticket to hold, or why not. */
public sealed interface JoinDecision {
    /**
     * Joined: {@code ticket} is the ticket to store; {@code existing} when the same ticket was
     * already held (a second join changes nothing).
     */
    record Accepted(Ticket ticket, boolean existing) implements JoinDecision {
        public Accepted {
            Objects.requireNonNull(ticket, "ticket");
        }
    }

    /** Refused, nothing changed: {@code message} says who and what is wrong, and how to fix it. */
    record Refused(Refusal reason, String message) implements JoinDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
