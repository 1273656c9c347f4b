package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

class SaverTest {
    private static final String NODE = "node-s";

    @Test
    void thePlayersAFlushMadeDurableForTheirHandOverGoOnTogether() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final SaveLog log = SaveLog.allocate(1 << 16);
        final List<List<Long>> handedOn = new ArrayList<>();
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    store,
                    NODE,
                    new InstanceHost(noTicks, log),
                    new CachedNanoClock(),
                    durable -> handedOn.add(
                            durable.stream().map(Departure::characterId).toList()),
                    Saver.LogoutListener.NONE);
            for (long character = 1; character <= 3; character++) {
                freeze(log, store.claim(character, 1, NODE));
            }
            saver.doWork();
        }
        // One call with the three, so that they go to the target in one batch, not the first alone.
        assertThat(handedOn).containsExactly(List.of(1L, 2L, 3L));
    }

    @Test
    void aFrozenPlayersSaveGoesAheadOfTheSnapshotsWhichWaitTheirTime() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final List<List<Long>> batches = new ArrayList<>();
        final List<List<Long>> handedOn = new ArrayList<>();
        final SaveLog log = SaveLog.allocate(1 << 16);
        final CachedNanoClock clock = new CachedNanoClock();
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    recording(store, batches),
                    NODE,
                    new InstanceHost(noTicks, log),
                    clock,
                    durable -> handedOn.add(
                            durable.stream().map(Departure::characterId).toList()),
                    Saver.LogoutListener.NONE);
            for (long character = 1; character <= 3; character++) {
                write(log, Saves.SNAPSHOT, store.claim(character, 1, NODE));
            }
            freeze(log, store.claim(4, 1, NODE));
            saver.doWork();
            assertThat(batches).as("the freeze alone, at once").containsExactly(List.of(4L));
            assertThat(handedOn).containsExactly(List.of(4L));

            clock.advance(Saver.MAX_DELAY_NANOS - 1);
            saver.doWork();
            assertThat(batches)
                    .as("the snapshots have not waited their time yet")
                    .hasSize(1);

            clock.advance(1);
            saver.doWork();
            assertThat(batches).containsExactly(List.of(4L), List.of(1L, 2L, 3L));
            assertThat(saver.stats().saved()).isEqualTo(4);
            assertThat(saver.stats().pending()).isZero();
        }
    }

    @Test
    void confirmationsAMapHadNoRoomForFollowInRecordOrderOnceItHas() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final SaveLog log = SaveLog.allocate(1 << 16);
        // Room for eleven confirmations (80 bytes and a header each) and no more.
        final Ingress map = Ingress.allocate(1024);
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    store,
                    NODE,
                    new InstanceHost(noTicks, log),
                    new CachedNanoClock(),
                    durable -> {},
                    Saver.LogoutListener.NONE,
                    handle -> map);
            final ClaimedCharacter looter = store.claim(1, 1, NODE);
            for (int seq = 1; seq <= 14; seq++) {
                try (RingClaim record = log.claim(new RingClaim(), Saves.LOOT)) {
                    Saves.encode(
                            record.buffer(),
                            record.index(),
                            1,
                            looter.epoch(),
                            seq,
                            1,
                            0,
                            1,
                            0,
                            0,
                            seq,
                            0f,
                            0f,
                            0f,
                            0f,
                            0,
                            1);
                    Saves.change(record.buffer(), record.index(), Saves.ACTION_LOOT, 0, 0, -1, -1);
                    record.commit();
                }
            }
            saver.doWork();
            final List<Long> money = new ArrayList<>();
            map.drain((type, buffer, index, length) -> money.add(buffer.getLong(index + Inputs.ITEMS_MONEY)), 20);
            assertThat(money).as("what fitted").hasSize(11);
            saver.doWork();
            // A drain reads to the ring's end; what wrapped around is read by the next.
            for (int drains = 0; drains < 2; drains++) {
                map.drain((type, buffer, index, length) -> money.add(buffer.getLong(index + Inputs.ITEMS_MONEY)), 20);
            }
            assertThat(money).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        }
    }

    @Test
    void aDatabaseDownRefusesDurableActionsAfterAWhileAndGivesFrozenPlayersBackThenSavesThemAsSnapshots() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final SaveLog log = SaveLog.allocate(1 << 16);
        final Ingress map = Ingress.allocate(1 << 16);
        final CachedNanoClock clock = new CachedNanoClock();
        final AtomicBoolean down = new AtomicBoolean(true);
        // What each save written was, as it was written (the saver reuses its saves once they land).
        final List<String> written = new ArrayList<>();
        final CharacterStore flaky = new ForwardingCharacterStore(store) {
            @Override
            public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
                if (down.get()) {
                    throw new SQLException("the database went away");
                }
                saves.forEach(save ->
                        written.add("transfer " + save.transferId() + ", given back " + save.givenBackTransferId));
                return super.save(saves, nodeId);
            }
        };
        final List<Long> handedOn = new ArrayList<>();
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    flaky,
                    NODE,
                    new InstanceHost(noTicks, log),
                    clock,
                    durable -> durable.forEach(d -> handedOn.add(d.characterId())),
                    Saver.LogoutListener.NONE,
                    handle -> map);
            final ClaimedCharacter traveller = store.claim(7, 1, NODE);
            freeze(log, traveller);
            saver.doWork();
            assertThat(log.unavailable()).as("one failure is no outage").isFalse();

            final List<Integer> told = new ArrayList<>();
            final List<Long> epochs = new ArrayList<>();
            for (long waited = 0; waited < Saver.GIVE_BACK_NANOS; waited += 100_000_000L) {
                clock.advance(100_000_000L);
                saver.doWork();
                map.drain(
                        (type, buffer, index, length) -> {
                            told.add(type);
                            epochs.add(buffer.getLong(index + Inputs.FAILED_EPOCH));
                        },
                        10);
                if (waited + 100_000_000L < Saver.GIVE_BACK_NANOS) {
                    assertThat(told).as("frozen until its time is up").isEmpty();
                }
            }
            assertThat(log.unavailable())
                    .as("no save for more than 2 s: the maps refuse what must be durable")
                    .isTrue();
            assertThat(told).as("given back once, to play on").containsExactly(Inputs.DEPART_FAILED);
            assertThat(epochs).as("at the epoch it had: nothing left this node").containsExactly(traveller.epoch());
            assertThat(saver.stats().givenBack()).isEqualTo(1);
            clock.advance(Saver.GIVE_BACK_NANOS);
            saver.doWork();
            assertThat(saver.stats().givenBack()).as("once").isEqualTo(1);

            down.set(false);
            clock.advance(TimeUnit.SECONDS.toNanos(6));
            saver.doWork();
            assertThat(written).hasSize(1);
            assertThat(written.get(0))
                    .as("saved as a snapshot that lands over the freeze if it landed")
                    .startsWith("transfer null, given back ")
                    .doesNotEndWith("null");
            assertThat(handedOn).as("the departure never went on").isEmpty();
            assertThat(log.unavailable()).isFalse();
        }
    }

    @Test
    void aTradeWhoseDatabaseFailsHoldsUpNoOtherSaveAndIsRetriedUnderItsId() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final SaveLog log = SaveLog.allocate(1 << 16);
        final Ingress map = Ingress.allocate(1 << 16);
        final CachedNanoClock clock = new CachedNanoClock();
        final AtomicBoolean down = new AtomicBoolean(true);
        final List<UUID> tried = new ArrayList<>();
        final CharacterStore failingTrades = new ForwardingCharacterStore(store) {
            @Override
            public boolean saveTrade(
                    final PendingSave first, final PendingSave second, final UUID tradeId, final String nodeId)
                    throws SQLException {
                tried.add(tradeId);
                if (down.get()) {
                    throw new SQLException("the trade's database went away");
                }
                return store.saveTrade(first, second, tradeId, nodeId);
            }
        };
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    failingTrades,
                    NODE,
                    new InstanceHost(noTicks, log),
                    clock,
                    durable -> {},
                    Saver.LogoutListener.NONE,
                    handle -> map);
            final ClaimedCharacter alice = store.claim(1, 1, NODE);
            final ClaimedCharacter bob = store.claim(2, 1, NODE);
            final ClaimedCharacter looter = store.claim(3, 1, NODE);
            for (final ClaimedCharacter[] half : new ClaimedCharacter[][] {{alice, bob}, {bob, alice}}) {
                try (RingClaim record = log.claim(new RingClaim(), Saves.TRADE)) {
                    encode(record.buffer(), record.index(), Saves.TRADE, half[0]);
                    Saves.change(record.buffer(), record.index(), Saves.ACTION_TRADE, 0, 0, -1, -1);
                    PendingSaves.trade(
                            record.buffer(), record.index(), 9, half[1].characterId(), 0, new long[0], new long[0]);
                    record.commit();
                }
            }
            try (RingClaim record = log.claim(new RingClaim(), Saves.LOOT)) {
                encode(record.buffer(), record.index(), Saves.LOOT, looter);
                Saves.change(record.buffer(), record.index(), Saves.ACTION_LOOT, 0, 0, -1, -1);
                record.commit();
            }
            saver.doWork();
            final List<String> told = new ArrayList<>();
            map.drain((type, buffer, index, length) -> told.add(type + " " + buffer.getLong(index)), 10);
            assertThat(told).as("the loot, not the trade").containsExactly(Inputs.ITEMS_CONFIRMED + " 3");
            assertThat(saver.stats().failures()).isEqualTo(1);

            down.set(false);
            clock.advance(Saver.MAX_DELAY_NANOS * 60);
            saver.doWork();
            map.drain((type, buffer, index, length) -> told.add(type + " " + buffer.getLong(index)), 10);
            assertThat(told)
                    .containsExactly(
                            Inputs.ITEMS_CONFIRMED + " 3", Inputs.TRADE_SETTLED + " 1", Inputs.TRADE_SETTLED + " 2");
            assertThat(tried).hasSize(2).containsOnly(tried.get(0));
        }
    }

    /** {@code store}, with the characters of each batch it was given in {@code batches}. */
    private static CharacterStore recording(final EphemeralCharacterStore store, final List<List<Long>> batches) {
        return new ForwardingCharacterStore(store) {
            @Override
            public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
                batches.add(saves.stream().map(PendingSave::characterId).toList());
                return store.save(saves, nodeId);
            }
        };
    }

    /** What a map writes as it freezes a claimed character for its hand-over. */
    private static void freeze(final SaveLog log, final ClaimedCharacter character) {
        write(log, Saves.DEPART, character);
    }

    /** A record of {@code type} for {@code character}, as its map writes it. */
    private static void write(final SaveLog log, final int type, final ClaimedCharacter character) {
        try (RingClaim claim = log.claim(new RingClaim(), type)) {
            encode(claim.buffer(), claim.index(), type, character);
            claim.commit();
        }
    }

    private static void encode(
            final MutableDirectBuffer buffer, final int index, final int type, final ClaimedCharacter character) {
        Saves.encode(
                buffer,
                index,
                character.characterId(),
                character.epoch(),
                character.saveSeq() + 1,
                1,
                0,
                character.level(),
                0,
                character.experience(),
                character.money(),
                1f,
                2f,
                0f,
                0f,
                0,
                0);
        if (type == Saves.DEPART) {
            buffer.putInt(index + Saves.TO_MAP, Saves.SAME_INSTANCE);
            buffer.putLong(index + Saves.FROZEN_AT_NANOS, System.nanoTime());
        }
    }
}
