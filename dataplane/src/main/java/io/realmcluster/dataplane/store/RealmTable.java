package io.realmcluster.dataplane.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The realms a node holds characters of, each with a small index that {@link CharacterKey} carries
 * instead of the realm's name. A table of given realms holds only those (a node whose only databases
 * are some realms' own); a table of every realm gives an index to each realm the first time it is
 * named (a node whose shared database holds every realm without its own). Read from any thread;
 * a realm is added under a lock, once.
 */
public final class RealmTable {
    private final boolean everyRealm;
    private final Set<String> held;
    private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
    /** Names by index: replaced whole when a realm is added. */
    private volatile String[] names = new String[0];

    private RealmTable(final boolean everyRealm, final Collection<String> realms) {
        this.everyRealm = everyRealm;
        this.held = Set.copyOf(new LinkedHashSet<>(realms));
        for (final String realm : new LinkedHashSet<>(realms)) {
            add(realm);
        }
    }

    /** Every realm, those of {@code first} with the first indexes, in their order. */
    public static RealmTable everyRealm(final Collection<String> first) {
        return new RealmTable(true, first);
    }

    /** Every realm, each indexed when first named. */
    public static RealmTable everyRealm() {
        return everyRealm(List.of());
    }

    /** Only {@code realms}, indexed in their order. */
    public static RealmTable only(final Collection<String> realms) {
        if (realms.size() > CharacterKey.MAX_REALMS) {
            throw new IllegalArgumentException(
                    realms.size() + " realms; a node holds " + CharacterKey.MAX_REALMS + " at most");
        }
        return new RealmTable(false, realms);
    }

    /** Whether characters of {@code realm} are held here. */
    public boolean holds(final String realm) {
        return everyRealm || held.contains(realm);
    }

    /** Whether every realm's characters are held here (a shared database). */
    public boolean holdsEveryRealm() {
        return everyRealm;
    }

    /** The realms held by name (empty for every realm): what the node tells the control plane. */
    public List<String> held() {
        return everyRealm ? List.of() : new ArrayList<>(Arrays.asList(names));
    }

    /** {@code realm}'s index, given it now if new; -1 when this node holds no characters of it. */
    public int index(final String realm) {
        final Integer index = indexes.get(realm);
        if (index != null) {
            return index;
        }
        return holds(realm) ? add(realm) : -1;
    }

    /** The key of {@code realm}'s character {@code characterId}; -1 when this node holds no characters of the realm. */
    public long key(final String realm, final long characterId) {
        final int index = index(realm);
        return index < 0 ? -1 : CharacterKey.of(index, characterId);
    }

    /**
     * The key of {@code realm}'s character {@code characterId} when the realm already has an index
     * here (a character of it logged in or arrived); -1 otherwise. A lookup: it never indexes a realm.
     */
    public long knownKey(final String realm, final long characterId) {
        final Integer index = indexes.get(realm);
        return index == null ? -1 : CharacterKey.of(index, characterId);
    }

    /** How many realms have an index here: indexes are 0 to this, exclusive. */
    public int size() {
        return names.length;
    }

    /** The realm at {@code index}. */
    public String name(final int index) {
        final String[] current = names;
        if (index < 0 || index >= current.length) {
            throw new IllegalArgumentException("no realm at index " + index + " (the node knows " + current.length
                    + ": " + Arrays.toString(current) + ")");
        }
        return current[index];
    }

    /** The realm of the character {@code key} names. */
    public String realmOf(final long key) {
        return name(CharacterKey.realmIndex(key));
    }

    /** Why a character of {@code realm} is refused here, for its client or its source node. */
    public static String noDatabase(final String realm) {
        return "this node holds no database of realm " + realm;
    }

    private synchronized int add(final String realm) {
        final Integer known = indexes.get(realm);
        if (known != null) {
            return known;
        }
        final String[] current = names;
        if (current.length == CharacterKey.MAX_REALMS) {
            return -1;
        }
        final String[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = realm;
        names = grown;
        indexes.put(realm, current.length);
        return current.length;
    }
}
