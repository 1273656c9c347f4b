package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.db.Database;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resume credentials of the accounts database: one live credential per character, bound to the
 * account it was issued to, kept as its SHA-256 only, single-use and rotated at each use in one
 * compare-and-set. A spent credential presented again (a copy in a thief's hands, or the client's own
 * that lost the answer) revokes the live one, as refresh-token rotation does: the player then logs in
 * with the password. Expired rows are swept on write, at most once a minute.
 */
public final class ResumeCredentials {
    /** Bytes of a credential as the client holds it. */
    public static final int BYTES = 32;

    /** The one answer to a wrong, expired, spent or revoked credential: nothing to learn from it. */
    static final String REFUSED = "the resume credential is not valid; log in with the password";

    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final Database database;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sweptAt = new AtomicLong();

    /** A credential and when it expires (wall clock, ms); {@code credential} goes to the client only. */
    public record Issued(byte[] credential, long expiresAtMillis) {}

    /** Credentials in {@code database} (the accounts one), each valid for {@code ttl} from its issue. */
    public ResumeCredentials(final Database database, final Clock clock, final Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the resume credential's lifetime must be positive, got " + ttl);
        }
        this.database = database;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A fresh credential for the character (a password login): the one it had, live or spent, is revoked. */
    public Issued issue(final long accountId, final String realm, final long characterId) {
        sweepIfDue();
        final Issued issued = draw();
        try (Connection connection = database.connection();
                PreparedStatement upsert = connection.prepareStatement(
                        "INSERT INTO resume_credential (realm, character_id, account_id, credential_hash, spent_hash,"
                                + " expires_at) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (realm, character_id) DO UPDATE"
                                + " SET account_id = EXCLUDED.account_id, credential_hash = EXCLUDED.credential_hash,"
                                + " spent_hash = NULL, expires_at = EXCLUDED.expires_at")) {
            upsert.setString(1, realm);
            upsert.setLong(2, characterId);
            upsert.setLong(3, accountId);
            upsert.setBytes(4, sha256(issued.credential()));
            upsert.setTimestamp(5, new Timestamp(issued.expiresAtMillis()));
            upsert.executeUpdate();
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
        return issued;
    }

    /**
     * The account the character's live {@code credential} was issued to, without spending it (the caller
     * routes first, so a map not running yet leaves the credential usable). UNAUTHENTICATED otherwise; a
     * spent credential revokes the live one before that answer.
     */
    public long holder(final String realm, final long characterId, final byte[] credential) {
        if (credential.length != BYTES) {
            throw refused();
        }
        final byte[] hash = sha256(credential);
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT account_id, credential_hash, spent_hash, expires_at > ? FROM resume_credential"
                                + " WHERE realm = ? AND character_id = ?")) {
            select.setTimestamp(1, new Timestamp(clock.millis()));
            select.setString(2, realm);
            select.setLong(3, characterId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw refused();
                }
                if (MessageDigest.isEqual(hash, row.getBytes(2)) && row.getBoolean(4)) {
                    return row.getLong(1);
                }
                final byte[] spent = row.getBytes(3);
                if (spent != null && MessageDigest.isEqual(hash, spent)) {
                    revoke(connection, realm, characterId, spent);
                }
                throw refused();
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }

    /**
     * Spend {@code credential} and issue the next one in the same compare-and-set: of two Resumes with one
     * credential only one gets a successor. UNAUTHENTICATED when it is no longer live.
     */
    public Issued rotate(final String realm, final long characterId, final long accountId, final byte[] credential) {
        if (credential.length != BYTES) {
            throw refused();
        }
        final Issued next = draw();
        final byte[] spent = sha256(credential);
        try (Connection connection = database.connection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE resume_credential SET credential_hash = ?, spent_hash = credential_hash, expires_at = ?"
                                + " WHERE realm = ? AND character_id = ? AND account_id = ? AND credential_hash = ?"
                                + " AND expires_at > ?")) {
            update.setBytes(1, sha256(next.credential()));
            update.setTimestamp(2, new Timestamp(next.expiresAtMillis()));
            update.setString(3, realm);
            update.setLong(4, characterId);
            update.setLong(5, accountId);
            update.setBytes(6, spent);
            update.setTimestamp(7, new Timestamp(clock.millis()));
            if (update.executeUpdate() != 1) {
                throw refused();
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
        return next;
    }

    /** Delete the credentials expired by now; returns how many. */
    public int sweep() {
        sweptAt.set(clock.millis());
        try (Connection connection = database.connection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM resume_credential WHERE expires_at <= ?")) {
            delete.setTimestamp(1, new Timestamp(clock.millis()));
            return delete.executeUpdate();
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }

    private void sweepIfDue() {
        final long last = sweptAt.get();
        final long now = clock.millis();
        if (now - last >= SWEEP_EVERY_MILLIS && sweptAt.compareAndSet(last, now)) {
            sweep();
        }
    }

    /** The character's live credential goes, unless a password login replaced the row meanwhile. */
    private static void revoke(
            final Connection connection, final String realm, final long characterId, final byte[] spent)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM resume_credential WHERE realm = ? AND character_id = ? AND spent_hash = ?")) {
            delete.setString(1, realm);
            delete.setLong(2, characterId);
            delete.setBytes(3, spent);
            delete.executeUpdate();
        }
    }

    private Issued draw() {
        final byte[] credential = new byte[BYTES];
        random.nextBytes(credential);
        return new Issued(credential, clock.millis() + ttl.toMillis());
    }

    static StatusRuntimeException refused() {
        return Status.UNAUTHENTICATED.withDescription(REFUSED).asRuntimeException();
    }

    private static byte[] sha256(final byte[] credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential);
        } catch (final NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
