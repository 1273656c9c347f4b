package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Arbitrary save log records of every type (and unknown ones), then a map's well-formed LOGOUT: the saver
 * never throws, drops and counts each record of an unknown type, and still saves the LOGOUT behind them at
 * once. A record may name a character this node holds, at its epoch, so that its save lands and the
 * fuzzer reaches what follows (item confirmations, trades, departures). In the normal suite this replays the seeds
 * under src/test/resources; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SaveLogFuzzTest {
    private static final String NODE = "node-f";
    private static final long LOGGING_OUT = 77;
    private static final long HELD = 78;

    // The log is a large direct buffer: one per test instance, drained by every execution.
    private final SaveLog log = SaveLog.allocate(1 << 16);
    private final RingClaim claim = new RingClaim();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace);
    private final InstanceHost noMaps = new InstanceHost(noTicks, log);

    private final Logger saverLog = (Logger) LoggerFactory.getLogger(Saver.class);
    private final Level saverLevel = saverLog.getLevel();

    @BeforeEach
    void quietSaver() {
        // Each fuzzed save of a character nobody claimed is fenced, and each fenced save a WARN: so many that
        // writing them was most of the fuzzer's time.
        saverLog.setLevel(Level.ERROR);
    }

    @AfterEach
    void close() {
        saverLog.setLevel(saverLevel);
        noTicks.close();
    }

    @FuzzTest(maxDuration = "60s")
    void anyRecordsInTheSaveLogLeaveTheSaverRunningAndTheNextLogoutSaved(final FuzzedDataProvider data) {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final Set<Long> settled = new HashSet<>();
        final Saver saver = new Saver(
                log, store, NODE, noMaps, clock, departures -> {}, (session, character) -> settled.add(character));
        final ClaimedCharacter leaving = store.claim(LOGGING_OUT, 1, NODE);
        final ClaimedCharacter held = store.claim(HELD, 1, NODE);
        int unknown = 0;
        final int records = data.consumeInt(0, 16);
        for (int i = 0; i < records && data.remainingBytes() > 0; i++) {
            final int type =
                    data.consumeBoolean() ? data.consumeInt(1, Saves.TRADE) : data.consumeInt(1, Integer.MAX_VALUE);
            final boolean aimed = data.consumeBoolean();
            final byte[] body = data.consumeBytes(Saves.length(type));
            try (RingClaim record = log.claim(claim, type)) {
                assertThat(record.claimed()).isTrue();
                record.buffer().setMemory(record.index(), Saves.length(type), (byte) 0);
                record.buffer().putBytes(record.index(), body);
                if (aimed) {
                    record.buffer().putLong(record.index() + Saves.CHARACTER, HELD);
                    record.buffer().putLong(record.index() + Saves.EPOCH, held.epoch());
                } else if (Saves.character(record.buffer(), record.index()) == LOGGING_OUT) {
                    // Another claim of the character behind would fence its LOGOUT: that is the saver's rule.
                    record.buffer().putLong(record.index() + Saves.CHARACTER, LOGGING_OUT + 100);
                }
                record.commit();
            }
            unknown += Saves.wellFormed(type, Saves.length(type)) ? 0 : 1;
        }
        logout(leaving);

        for (int rounds = 0; rounds == 0 || log.pendingBytes() > 0; rounds++) {
            // A drain reads to the log's end; what wrapped around is read by the next.
            assertThat(rounds).as("rounds to drain the log").isLessThan(3);
            saver.doWork();
        }
        assertThat(settled).as("the LOGOUT behind the fuzzed records").contains(LOGGING_OUT);
        assertThat(saver.stats().malformed()).isEqualTo(unknown);
    }

    @Test
    void recordsOfUnknownTypesAreDroppedAndCountedAndTheLogoutBehindThemSaved() {
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        final Set<Long> settled = new HashSet<>();
        final Saver saver = new Saver(
                log, store, NODE, noMaps, clock, departures -> {}, (session, character) -> settled.add(character));
        final ClaimedCharacter leaving = store.claim(LOGGING_OUT, 1, NODE);
        for (final int type : new int[] {Saves.TRADE + 1, 99}) {
            try (RingClaim record = log.claim(claim, type)) {
                record.buffer().setMemory(record.index(), Saves.LENGTH, (byte) 7);
                record.commit();
            }
        }
        logout(leaving);
        saver.doWork();

        assertThat(saver.stats().malformed()).isEqualTo(2);
        assertThat(saver.stats().saved()).isEqualTo(1);
        assertThat(settled).containsExactly(LOGGING_OUT);
    }

    /** The LOGOUT a map writes as {@code character} leaves it. */
    private void logout(final ClaimedCharacter character) {
        try (RingClaim record = log.claim(claim, Saves.LOGOUT)) {
            Saves.encode(
                    record.buffer(),
                    record.index(),
                    character.characterId(),
                    character.epoch(),
                    character.saveSeq() + 1,
                    1,
                    3,
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
            record.commit();
        }
    }
}
