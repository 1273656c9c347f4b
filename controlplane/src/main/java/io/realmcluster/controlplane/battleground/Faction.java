package io.realmcluster.controlplane.battleground;

/** A player's side; in a battleground the faction is the team, as in vanilla (no mercenaries). */
public enum Faction {
    ALLIANCE,
    HORDE;

    /** The side a match sets against this one. */
    public Faction opponent() {
        return this == ALLIANCE ? HORDE : ALLIANCE;
    }

    /** One letter, for summaries and logs: A or H. */
    public char letter() {
        return this == ALLIANCE ? 'A' : 'H';
    }
}
