package io.realmcluster.controlplane.battleground;

import java.util.Comparator;
import java.util.Objects;

/** One queue the matchmaker runs: a battlegroup's battleground in one bracket. */
public record QueueKey(String battlegroup, Battleground battleground, Bracket bracket) implements Comparable<QueueKey> {
    private static final Comparator<QueueKey> ORDER = Comparator.comparing(QueueKey::battlegroup)
            .thenComparing(QueueKey::battleground)
            .thenComparing(QueueKey::bracket);

    public QueueKey {
        Objects.requireNonNull(battlegroup, "battlegroup");
        Objects.requireNonNull(battleground, "battleground");
        Objects.requireNonNull(bracket, "bracket");
        if (!battleground.brackets().contains(bracket)) {
            throw new IllegalArgumentException(
                    battleground.title() + " has no bracket " + bracket + "; it has " + battleground.brackets());
        }
    }

    // Written out rather than generated: a pass hashes every ticket's key, and this compiles early and small.
    @Override
    public boolean equals(final Object other) {
        return this == other
                || other instanceof QueueKey key
                        && battleground == key.battleground
                        && bracket.equals(key.bracket)
                        && battlegroup.equals(key.battlegroup);
    }

    @Override
    public int hashCode() {
        return (battlegroup.hashCode() * 31 + battleground.ordinal()) * 31 + bracket.hashCode();
    }

    @Override
    public int compareTo(final QueueKey other) {
        return ORDER.compare(this, other);
    }

    /** {@code battlegroup/WARSONG_GULCH/10-19}. */
    @Override
    public String toString() {
        return battlegroup + "/" + battleground + "/" + bracket;
    }
}
