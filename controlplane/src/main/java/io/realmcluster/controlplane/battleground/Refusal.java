package io.realmcluster.controlplane.battleground;

/** Why a join was refused; the decision's message names who and what to do about it. */
public enum Refusal {
    /** The request names nobody, or one character twice. */
    MALFORMED,
    /** Alterac Valley takes players one by one. */
    GROUP_NOT_ALLOWED,
    /** More members than a party holds. */
    GROUP_TOO_LARGE,
    /** A member's realm is in no battlegroup. */
    REALM_WITHOUT_BATTLEGROUP,
    /** Members' realms are in different battlegroups. */
    BATTLEGROUPS_DIFFER,
    /** A member's level is outside the battleground's levels. */
    LEVEL_OUT_OF_RANGE,
    /** Members are in different brackets. */
    BRACKETS_DIFFER,
    /** Members are of different factions. */
    FACTIONS_DIFFER,
    /** A member has Deserter. */
    DESERTER,
    /** A member already waits for this battleground on another ticket (alone, or in another group). */
    QUEUED_ON_ANOTHER_TICKET,
    /** A member already holds the most queues at once. */
    TOO_MANY_QUEUES
}
