package io.realmcluster.controlplane.battleground;

import java.util.Comparator;
import java.util.Objects;

/** A character's identity across realms: two realms use the same character ids for different characters. */
public record CharacterKey(String realm, long characterId) implements Comparable<CharacterKey> {
    private static final Comparator<CharacterKey> ORDER =
            Comparator.comparing(CharacterKey::realm).thenComparingLong(CharacterKey::characterId);

    public CharacterKey {
        Objects.requireNonNull(realm, "realm");
        if (realm.isBlank() || realm.indexOf('/') >= 0) {
            throw new IllegalArgumentException("realm name '" + realm + "' is blank or holds a '/'");
        }
    }

    @Override
    public int compareTo(final CharacterKey other) {
        return ORDER.compare(this, other);
    }

    /** {@code realm/characterId}. */
    @Override
    public String toString() {
        return realm + "/" + characterId;
    }
}
