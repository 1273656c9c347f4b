package io.realmcluster.dataplane.store;

/**
 * A character's identity inside a node, (realm, character id), packed in one long so that the rings,
 * the maps and the world carry it without a String: the realm's index in the node's {@link RealmTable}
 * above the low {@link #ID_BITS} bits, the character's id (its realm database's) below. Keys stay
 * under 2^48, below the world's creature ids; the realm of index 0 keeps its ids unchanged. The key is
 * the player's entity id on a map, so two realms' character 7 are two entities.
 */
public final class CharacterKey {
    /** Bits of the character id. */
    public static final int ID_BITS = 40;
    /** The highest character id a key holds. */
    public static final long MAX_ID = (1L << ID_BITS) - 1;
    /** Realms one node tells apart at most. */
    public static final int MAX_REALMS = 256;

    private CharacterKey() {}

    /** The key of character {@code characterId} of the realm at {@code realmIndex}. */
    public static long of(final int realmIndex, final long characterId) {
        if (realmIndex < 0 || realmIndex >= MAX_REALMS) {
            throw new IllegalArgumentException("realm index " + realmIndex + " outside 0.." + (MAX_REALMS - 1));
        }
        if (characterId < 0 || characterId > MAX_ID) {
            throw new IllegalArgumentException("character id " + characterId + " outside 0.." + MAX_ID);
        }
        return (long) realmIndex << ID_BITS | characterId;
    }

    /** The realm's index in the node's realm table. */
    public static int realmIndex(final long key) {
        return (int) (key >>> ID_BITS);
    }

    /** The character's id in its realm's database. */
    public static long id(final long key) {
        return key & MAX_ID;
    }
}
