package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Realm indexes and character keys: (realm, id) in one long, below the world's creature ids. */
class RealmTableTest {
    /** The world's first creature id (world/Creatures.CREATURE_ID_BASE). */
    private static final long CREATURES = 1L << 48;

    @Test
    void aKnownKeyIsALookupThatNeverIndexesARealm() {
        final RealmTable realms = RealmTable.everyRealm(List.of("main"));
        assertThat(realms.knownKey("main", 7)).isEqualTo(realms.key("main", 7));
        assertThat(realms.knownKey("second", 7)).isEqualTo(-1);
        assertThat(realms.knownKey("second", 7)).as("still not indexed").isEqualTo(-1);
        final long second = realms.key("second", 7);
        assertThat(realms.knownKey("second", 7)).isEqualTo(second);
    }

    @Test
    void theSameIdOfTwoRealmsMakesTwoKeysThatGiveBackTheirRealmAndId() {
        final RealmTable realms = RealmTable.everyRealm(List.of("main"));
        final long main = realms.key("main", 7);
        final long second = realms.key("second", 7);
        assertThat(main).as("the first realm keeps its ids").isEqualTo(7);
        assertThat(second).isNotEqualTo(main).isPositive().isLessThan(CREATURES);
        assertThat(realms.realmOf(second)).isEqualTo("second");
        assertThat(CharacterKey.id(second)).isEqualTo(7);
        assertThat(realms.key("second", 7)).as("stable").isEqualTo(second);
        assertThat(realms.held()).as("every realm: none named").isEmpty();
    }

    @Test
    void aTableOfGivenRealmsRefusesOthers() {
        final RealmTable realms = RealmTable.only(List.of("second"));
        assertThat(realms.key("main", 7)).isEqualTo(-1);
        assertThat(realms.holds("main")).isFalse();
        assertThat(realms.held()).containsExactly("second");
        assertThat(RealmTable.noDatabase("main")).isEqualTo("this node holds no database of realm main");
    }

    @Test
    void keysStayBelowTheCreaturesForEveryRealmAndId() {
        assertThat(CharacterKey.of(CharacterKey.MAX_REALMS - 1, CharacterKey.MAX_ID))
                .isLessThan(CREATURES);
        assertThatThrownBy(() -> CharacterKey.of(0, CharacterKey.MAX_ID + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Long.toString(CharacterKey.MAX_ID + 1));
        assertThatThrownBy(() -> RealmTable.everyRealm().name(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no realm at index 3");
    }
}
