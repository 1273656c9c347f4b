package io.realmcluster.common.items;

/** What an item is for: worn, carried, used up, traded, or a bag that holds others. */
public enum ItemKind {
    WEAPON,
    ARMOR,
    CONSUMABLE,
    TRADE_GOOD,
    BAG,
    /** A battleground's mark of honor: a token, kept in the bags. */
    MARK
}
