package io.realmcluster.dataplane.pipeline;

/**
 * Item ids a map may give the items it creates (a loot, a stack split off), reserved ahead from each
 * realm database's item_id_seq so that a tick thread names an item without waiting for the database.
 * Every id is handed out once; an id never used is lost, which is harmless.
 */
@FunctionalInterface
public interface ItemIds {
    /**
     * An unused id of the realm of index {@code realmIndex} (the character key's realm), or 0 when none
     * is ready yet (the map then refuses the action as busy). Any tick thread: lock-free, allocates nothing.
     */
    long take(int realmIndex);

    /** No ids, ever: maps that create no items. */
    ItemIds NONE = realmIndex -> 0;
}
