package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.proto.v1.Account;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Player accounts in the realm database, with salted PBKDF2 password hashes. */
public final class AccountStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{3,32}");
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 128;

    private final Database database;
    private final PasswordHasher hasher;
    /** Checked against when a name is unknown, so that costs as much as a wrong password: no timing oracle. */
    private final PasswordHasher.Hash decoy;

    /** Accounts in {@code database}; new passwords are hashed by {@code hasher}. */
    public AccountStore(final Database database, final PasswordHasher hasher) {
        this.database = database;
        this.hasher = hasher;
        this.decoy = hasher.hash(UUID.randomUUID().toString());
    }

    /** Create an account; INVALID_ARGUMENT for a bad name or password, ALREADY_EXISTS for a taken name. */
    public Account create(final String name, final String password) {
        if (!NAME.matcher(name).matches()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(
                            "account name must be 3 to 32 letters, digits or '_', got '" + LogSafe.safe(name) + "'")
                    .asRuntimeException();
        }
        if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters")
                    .asRuntimeException();
        }
        final PasswordHasher.Hash hash = hasher.hash(password);
        try (Connection connection = database.connection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO account (name, password_hash, password_salt, password_iterations) VALUES (?, ?, ?, ?) "
                                + "RETURNING account_id, extract(epoch FROM created_at) * 1000")) {
            insert.setString(1, name);
            insert.setBytes(2, hash.hash());
            insert.setBytes(3, hash.salt());
            insert.setInt(4, hash.iterations());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return Account.newBuilder()
                        .setAccountId(row.getLong(1))
                        .setName(name)
                        .setCreatedAtUnixMs((long) row.getDouble(2))
                        .build();
            }
        } catch (final SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw Status.ALREADY_EXISTS
                        .withDescription("account name '" + name + "' is taken")
                        .asRuntimeException();
            }
            throw Sql.unavailable(database.where(), e);
        }
    }

    /** The account when the password matches; empty for an unknown name or a wrong password alike. */
    public Optional<Account> authenticate(final String name, final String password) {
        final Optional<StoredAccount> stored = find(name);
        if (stored.isEmpty()) {
            PasswordHasher.verify(password, decoy);
            return Optional.empty();
        }
        if (!PasswordHasher.verify(password, stored.get().hash())) {
            return Optional.empty();
        }
        return Optional.of(stored.get().account());
    }

    /** The account of this name, without checking a password (operators' paths). */
    public Optional<Account> byName(final String name) {
        return find(name).map(StoredAccount::account);
    }

    private Optional<StoredAccount> find(final String name) {
        try (Connection connection = database.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT account_id, name, password_hash, password_salt, password_iterations, "
                                + "extract(epoch FROM created_at) * 1000 FROM account WHERE lower(name) = lower(?)")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredAccount(
                        Account.newBuilder()
                                .setAccountId(row.getLong(1))
                                .setName(row.getString(2))
                                .setCreatedAtUnixMs((long) row.getDouble(6))
                                .build(),
                        new PasswordHasher.Hash(row.getBytes(3), row.getBytes(4), row.getInt(5))));
            }
        } catch (final SQLException e) {
            throw Sql.unavailable(database.where(), e);
        }
    }

    private record StoredAccount(Account account, PasswordHasher.Hash hash) {}
}
