package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The store of a node without a database keeps items in memory as the database would. */
class EphemeralCharacterStoreTest {
    private static final String NODE = "node-e";

    @Test
    void savedItemsAreClaimedAgainAndATradeLandsOnlyWithBothClaimsCurrent() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final long[] ids = store.reserveItemIds(0, 2);
        assertThat(ids).containsExactly(1, 2);
        assertThat(store.reserveItemIds(0, 1)).containsExactly(3);

        final ClaimedCharacter alice = store.claim(1, 1, NODE);
        final ClaimedCharacter bob = store.claim(2, 1, NODE);
        final ItemStack dagger = new ItemStack(ids[0], 2092, 23, 1);
        final PendingSave looted = PendingSaves.loot(
                PendingSaves.of(1, alice.epoch(), 1, 0, false), alice.epoch(), 1, 0, 0, ids[0], 23, List.of(dagger));
        assertThat(store.save(List.of(looted), NODE)).containsExactly(true);
        final ClaimedCharacter again = store.claim(1, 1, NODE);
        assertThat(again.items()).containsExactly(dagger);

        final PendingSave aliceHalf = PendingSaves.trade(
                PendingSaves.of(1, again.epoch(), 2, 0, false),
                again.epoch(),
                2,
                1,
                2,
                0,
                new long[] {ids[0]},
                new long[0],
                List.of());
        final PendingSave bobHalf = PendingSaves.trade(
                PendingSaves.of(2, bob.epoch(), 1, 0, false),
                bob.epoch(),
                1,
                1,
                1,
                0,
                new long[0],
                new long[] {ids[0]},
                List.of(dagger));
        final PendingSave staleHalf = PendingSaves.trade(
                PendingSaves.of(1, alice.epoch(), 2, 0, false),
                alice.epoch(),
                2,
                1,
                2,
                0,
                new long[] {ids[0]},
                new long[0],
                List.of());
        assertThat(store.saveTrade(staleHalf, bobHalf, UUID.randomUUID(), NODE))
                .as("Alice's half of an earlier claim")
                .isFalse();
        assertThat(store.claim(2, 1, NODE).items()).as("nothing moved").isEmpty();

        final ClaimedCharacter bobAgain = store.claim(2, 1, NODE);
        final ClaimedCharacter aliceAgain = store.claim(1, 1, NODE);
        aliceHalf.epoch = aliceAgain.epoch();
        bobHalf.epoch = bobAgain.epoch();
        assertThat(store.saveTrade(aliceHalf, bobHalf, UUID.randomUUID(), NODE)).isTrue();
        assertThat(store.claim(1, 1, NODE).items()).isEmpty();
        assertThat(store.claim(2, 1, NODE).items()).containsExactly(dagger);
    }
}
