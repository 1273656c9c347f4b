package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.SaveLog;
import io.realmcluster.dataplane.world.Saves;

class SaverTest {
    private static final String NODE = "node-s";

    @Test
    void thePlayersAFlushMadeDurableForTheirHandOverGoOnTogether() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final SaveLog log = SaveLog.allocate(1 << 16);
        final List<List<Long>> handedOn = new ArrayList<>();
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(log, store, NODE, new InstanceHost(noTicks, log), new CachedNanoClock(),
                durable -> handedOn.add(durable.stream().map(Departure::characterId).toList()),
                Saver.LogoutListener.NONE);
            for (long character = 1; character <= 3; character++) {
                freeze(log, store.claim(character, 1, NODE));
            }
            saver.doWork();
        }
        // One call with the three, so that they go to the target in one batch, not the first alone.
        assertThat(handedOn).containsExactly(List.of(1L, 2L, 3L));
    }

    /** What a map writes as it freezes a claimed character for its hand-over. */
    private static void freeze(final SaveLog log, final ClaimedCharacter character) {
        final int index = log.tryClaim(Saves.DEPART);
        final UnsafeBuffer buffer = log.buffer();
        Saves.encode(buffer, index, character.characterId(), character.epoch(), character.saveSeq() + 1, 1, 0,
            character.level(), 0, character.experience(), character.money(), 1f, 2f, 0f, 0f, 0, 0);
        buffer.putInt(index + Saves.TO_MAP, Saves.SAME_INSTANCE);
        buffer.putLong(index + Saves.FROZEN_AT_NANOS, System.nanoTime());
        log.commit(index);
    }
}
