package io.realmcluster.controlplane.battleground;

/** A range of levels, inclusive, whose players queue and fight together in one battleground. */
public record Bracket(int minLevel, int maxLevel) implements Comparable<Bracket> {
    public Bracket {
        if (minLevel < 1 || maxLevel < minLevel) {
            throw new IllegalArgumentException("bracket " + minLevel + "-" + maxLevel + " is empty or below level 1");
        }
    }

    public boolean contains(final int level) {
        return level >= minLevel && level <= maxLevel;
    }

    @Override
    public boolean equals(final Object other) {
        return this == other
                || other instanceof Bracket bracket && minLevel == bracket.minLevel && maxLevel == bracket.maxLevel;
    }

    @Override
    public int hashCode() {
        return minLevel * 61 + maxLevel;
    }

    @Override
    public int compareTo(final Bracket other) {
        final int byMin = Integer.compare(minLevel, other.minLevel);
        return byMin != 0 ? byMin : Integer.compare(maxLevel, other.maxLevel);
    }

    /** {@code 10-19}, or {@code 60} for a bracket of one level. */
    @Override
    public String toString() {
        return minLevel == maxLevel ? Integer.toString(minLevel) : minLevel + "-" + maxLevel;
    }
}
