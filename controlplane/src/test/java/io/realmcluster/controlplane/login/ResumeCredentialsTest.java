package io.realmcluster.controlplane.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Resume credentials against a real PostgreSQL, with a clock the test moves. */
class ResumeCredentialsTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final String REALM = "azeroth";
    private static final Duration TTL = Duration.ofHours(12);

    private static Database database;
    private static AccountStore accounts;
    private static final AtomicLong NOW =
            new AtomicLong(Instant.parse("2026-12-07T12:00:00Z").toEpochMilli());
    private static ResumeCredentials credentials;
    private static final AtomicLong NEXT_CHARACTER = new AtomicLong(1_000);

    @BeforeAll
    static void migrate() {
        database = Database.open("test", PG.jdbcUrl(), new DatabaseCredentials(PG.user(), PG.password()), 2);
        database.migrate();
        accounts = new AccountStore(database, new PasswordHasher(1_000));
        credentials = new ResumeCredentials(database, new MovableClock(), TTL);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void aCredentialIsSpentOnceAndRotatedIntoANewOne() {
        final long account = account();
        final long character = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued first = credentials.issue(account, REALM, character);
        assertThat(first.credential()).hasSize(ResumeCredentials.BYTES);
        assertThat(first.expiresAtMillis()).isEqualTo(NOW.get() + TTL.toMillis());

        assertThat(credentials.holder(REALM, character, first.credential())).isEqualTo(account);
        final ResumeCredentials.Issued second = credentials.rotate(REALM, character, account, first.credential());
        assertThat(second.credential()).isNotEqualTo(first.credential());
        // The first is spent: a second rotation with it (a racing Resume) gets nothing.
        assertRefused(() -> credentials.rotate(REALM, character, account, first.credential()));
        assertThat(credentials.rotate(REALM, character, account, second.credential()))
                .isNotNull();
    }

    @Test
    void aStolenSpentCredentialIsRefusedAndRevokesTheLiveOne() {
        final long account = account();
        final long character = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued stolen = credentials.issue(account, REALM, character);
        final ResumeCredentials.Issued live = credentials.rotate(REALM, character, account, stolen.credential());

        assertRefused(() -> credentials.holder(REALM, character, stolen.credential()));
        // The reuse revoked the player's live credential too: it logs in with its password.
        assertRefused(() -> credentials.holder(REALM, character, live.credential()));
        final ResumeCredentials.Issued afterPassword = credentials.issue(account, REALM, character);
        assertThat(credentials.holder(REALM, character, afterPassword.credential()))
                .isEqualTo(account);
    }

    @Test
    void aPasswordLoginRevokesThePreviousCredential() {
        final long account = account();
        final long character = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued old = credentials.issue(account, REALM, character);
        final ResumeCredentials.Issued fresh = credentials.issue(account, REALM, character);
        assertRefused(() -> credentials.holder(REALM, character, old.credential()));
        assertRefused(() -> credentials.rotate(REALM, character, account, old.credential()));
        assertThat(credentials.holder(REALM, character, fresh.credential())).isEqualTo(account);
    }

    @Test
    void anExpiredCredentialIsRefusedAndSwept() throws SQLException {
        final long account = account();
        final long character = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued issued = credentials.issue(account, REALM, character);
        NOW.addAndGet(TTL.toMillis());
        try {
            assertRefused(() -> credentials.holder(REALM, character, issued.credential()));
            assertRefused(() -> credentials.rotate(REALM, character, account, issued.credential()));
            assertThat(credentials.sweep()).isGreaterThanOrEqualTo(1);
            assertThat(rows(character)).isZero();
        } finally {
            NOW.addAndGet(-TTL.toMillis());
        }
    }

    @Test
    void aCredentialIsBoundToItsCharacterAndAccount() {
        final long account = account();
        final long mine = NEXT_CHARACTER.incrementAndGet();
        final long other = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued forMine = credentials.issue(account, REALM, mine);
        credentials.issue(account, REALM, other);

        assertRefused(() -> credentials.holder(REALM, other, forMine.credential()));
        assertRefused(() -> credentials.holder("other_realm", mine, forMine.credential()));
        assertRefused(() -> credentials.rotate(REALM, mine, account(), forMine.credential()));
        assertRefused(() -> credentials.holder(REALM, mine, new byte[7]));
        assertRefused(() -> credentials.holder(REALM, mine, new byte[ResumeCredentials.BYTES]));
        // None of the refusals above spent it.
        assertThat(credentials.holder(REALM, mine, forMine.credential())).isEqualTo(account);
    }

    @Test
    void onlyTheHashIsStored() throws SQLException {
        final long account = account();
        final long character = NEXT_CHARACTER.incrementAndGet();
        final ResumeCredentials.Issued issued = credentials.issue(account, REALM, character);
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT credential_hash FROM resume_credential WHERE realm = ? AND character_id = ?")) {
            select.setString(1, REALM);
            select.setLong(2, character);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getBytes(1)).hasSize(32).isNotEqualTo(issued.credential());
            }
        }
    }

    private static long rows(final long character) throws SQLException {
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT count(*) FROM resume_credential WHERE realm = ? AND character_id = ?")) {
            select.setString(1, REALM);
            select.setLong(2, character);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long account() {
        return accounts.create("Resumer_" + UUID.randomUUID().toString().substring(0, 8), "back-in-world")
                .getAccountId();
    }

    private static void assertRefused(final Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo(ResumeCredentials.REFUSED);
        });
    }

    /** The test's clock: {@link #NOW}. */
    private static final class MovableClock extends Clock {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return NOW.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(NOW.get());
        }
    }
}
