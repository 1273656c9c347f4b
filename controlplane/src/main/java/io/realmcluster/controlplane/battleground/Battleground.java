package io.realmcluster.controlplane.battleground;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The battlegrounds of vanilla 1.12, with their map, team size, the minimum a side needs for a match
 * to start, the levels that may queue and whether groups may queue together.
 *
 * <p>Brackets are ten levels wide from the battleground's lowest level (10-19, 20-29, ..., 50-59),
 * and level 60 is a bracket of its own, as patch 1.12 had it: the level cap is where characters
 * gear up for good, so a 51 against a 60 in raid gear would not be a fight. Alterac Valley has the
 * single bracket 51-60 its entry level gave it in vanilla.
 */
public enum Battleground {
    WARSONG_GULCH(489, "Warsong Gulch", 10, 4, 10, 60, true),
    ARATHI_BASIN(529, "Arathi Basin", 15, 6, 20, 60, true),
    ALTERAC_VALLEY(30, "Alterac Valley", 40, 20, 51, 60, false);

    /** The level cap of the game: a bracket of its own. */
    public static final int MAX_LEVEL = 60;

    private static final int BRACKET_WIDTH = 10;

    private final int mapId;
    private final String title;
    private final int teamSize;
    private final int minPerTeam;
    private final int minLevel;
    private final int maxLevel;
    private final boolean groupsAllowed;
    private final List<Bracket> brackets;

    Battleground(
            final int mapId,
            final String title,
            final int teamSize,
            final int minPerTeam,
            final int minLevel,
            final int maxLevel,
            final boolean groupsAllowed) {
        this.mapId = mapId;
        this.title = title;
        this.teamSize = teamSize;
        this.minPerTeam = minPerTeam;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.groupsAllowed = groupsAllowed;
        this.brackets = brackets(minLevel, maxLevel);
    }

    private static List<Bracket> brackets(final int minLevel, final int maxLevel) {
        if (minLevel % BRACKET_WIDTH != 0) {
            // Alterac Valley: one bracket from its entry level to the cap.
            return List.of(new Bracket(minLevel, maxLevel));
        }
        final List<Bracket> brackets = new ArrayList<>();
        for (int low = minLevel; low < MAX_LEVEL && low <= maxLevel; low += BRACKET_WIDTH) {
            brackets.add(new Bracket(low, Math.min(low + BRACKET_WIDTH - 1, maxLevel)));
        }
        if (maxLevel == MAX_LEVEL) {
            brackets.add(new Bracket(MAX_LEVEL, MAX_LEVEL));
        }
        return List.copyOf(brackets);
    }

    /** The bracket a character of {@code level} queues in, or empty when the level may not queue here. */
    public Optional<Bracket> bracketFor(final int level) {
        for (final Bracket bracket : brackets) {
            if (bracket.contains(level)) {
                return Optional.of(bracket);
            }
        }
        return Optional.empty();
    }

    /** Every bracket, lowest first. */
    public List<Bracket> brackets() {
        return brackets;
    }

    public int mapId() {
        return mapId;
    }

    public String title() {
        return title;
    }

    /** Players a side at most. */
    public int teamSize() {
        return teamSize;
    }

    /** Players each side needs for a new match to start. */
    public int minPerTeam() {
        return minPerTeam;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    /** Whether a group may queue as one ticket; Alterac Valley takes players one by one. */
    public boolean groupsAllowed() {
        return groupsAllowed;
    }
}
