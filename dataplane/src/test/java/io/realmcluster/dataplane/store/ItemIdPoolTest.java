package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Item ids reserved ahead from a real PostgreSQL's item_id_seq: each handed out once, refilled, per realm. */
class ItemIdPoolTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static Database database;

    @BeforeAll
    static void schema() throws SQLException {
        database = Database.open(
                "item-ids-test", POSTGRES.jdbcUrl(), new DatabaseCredentials(POSTGRES.user(), POSTGRES.password()), 4);
        database.migrate();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void concurrentTakersGetEachIdOnceAsThePoolRefillsFromTheSequence() throws Exception {
        final RealmTable realms = RealmTable.only(List.of("main"));
        final int takers = 4;
        final int each = 2_000;
        try (ItemIdPool pool = new ItemIdPool(new PostgresCharacterStore(database, realms), 64).start()) {
            await().atMost(DEADLINE).until(() -> pool.ready(0) == 64);
            final ExecutorService threads = Executors.newFixedThreadPool(takers);
            try {
                final CountDownLatch go = new CountDownLatch(1);
                final List<Future<LongArrayList>> taken = new ArrayList<>();
                for (int t = 0; t < takers; t++) {
                    taken.add(threads.submit(() -> {
                        final LongArrayList ids = new LongArrayList();
                        go.await();
                        final long deadline = System.nanoTime() + DEADLINE.toNanos();
                        while (ids.size() < each && System.nanoTime() < deadline) {
                            final long id = pool.take(0);
                            if (id != 0) {
                                ids.addLong(id);
                            } else {
                                Thread.onSpinWait();
                            }
                        }
                        return ids;
                    }));
                }
                go.countDown();
                final LongHashSet unique = new LongHashSet();
                int total = 0;
                for (final Future<LongArrayList> ids : taken) {
                    final LongArrayList got = ids.get();
                    assertThat(got.size())
                            .as("ids one taker got before the deadline")
                            .isEqualTo(each);
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.getLong(i)).isPositive();
                        unique.add(got.getLong(i));
                    }
                    total += got.size();
                }
                assertThat(unique).as("no id handed out twice").hasSize(total);
                assertThat(total).as("refilled: many times the pool's capacity").isEqualTo(takers * each);
            } finally {
                threads.shutdownNow();
            }
            await("refilled to at least half").atMost(DEADLINE).until(() -> pool.ready(0) >= 32);
        }
    }

    @Test
    void aRealmIndexedAfterStartGetsIdsAndAFailingDatabaseIsRetried() throws Exception {
        final RealmTable realms = RealmTable.everyRealm();
        final AtomicBoolean down = new AtomicBoolean(true);
        final AtomicInteger attempts = new AtomicInteger();
        final CharacterStore store = new ForwardingCharacterStore(new PostgresCharacterStore(database, realms)) {
            @Override
            public long[] reserveItemIds(final int realmIndex, final int count) throws SQLException {
                attempts.incrementAndGet();
                if (down.get()) {
                    throw new SQLException("connection refused");
                }
                return store.reserveItemIds(realmIndex, count);
            }
        };
        try (ItemIdPool pool = new ItemIdPool(store, 16).start()) {
            assertThat(pool.take(0)).as("no realm yet").isZero();
            final int second = realms.index("second");
            assertThat(realms.index("third")).isEqualTo(second + 1);
            await().atMost(DEADLINE).until(() -> attempts.get() >= 4);
            assertThat(pool.take(second)).as("the database is down").isZero();

            down.set(false);
            await().atMost(DEADLINE).until(() -> pool.ready(0) == 16 && pool.ready(second + 1) == 16);
            final long id = pool.take(second + 1);
            assertThat(id).isPositive();
            assertThat(pool.ready(second + 1)).isEqualTo(15);
        }
    }
}
