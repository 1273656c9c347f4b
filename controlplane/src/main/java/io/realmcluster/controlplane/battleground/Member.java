package io.realmcluster.controlplane.battleground;

import java.util.Objects;

/** A character in a ticket: who it is, its level and its faction when it joined. */
public record Member(CharacterKey character, int level, Faction faction) {
    public Member {
        Objects.requireNonNull(character, "character");
        Objects.requireNonNull(faction, "faction");
    }

    @Override
    public String toString() {
        return character + " (level " + level + ", " + faction + ")";
    }
}
