package io.realmcluster.common.db;

import io.realmcluster.common.cli.StartupException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accounts database and each served realm's database: a realm's own ({@code --realm-db}), or
 * the accounts database for a realm without one. Identity outside a database is (realm, id): two
 * realm databases issue the same character and item ids.
 */
public final class RealmDatabases implements AutoCloseable {
    private final Database accounts;
    private final Map<String, Database> byRealm;

    private RealmDatabases(final Database accounts, final Map<String, Database> byRealm) {
        this.accounts = accounts;
        this.byRealm = byRealm;
    }

    /** Every realm of {@code realms} in {@code database}, which also holds the accounts (one database for all). */
    public static RealmDatabases shared(final Database database, final Collection<String> realms) {
        final Map<String, Database> byRealm = new LinkedHashMap<>();
        realms.forEach(realm -> byRealm.put(realm, database));
        return new RealmDatabases(database, byRealm);
    }

    /**
     * Open a pool to each database of {@code own} (of {@code poolSize} connections, over TLS verified
     * against {@code serverCa} when given); the other realms of {@code realms} use {@code accounts}.
     * Takes ownership of {@code accounts}: it is closed with the rest, also when a realm's database
     * cannot be opened (a one-line error naming the realm and its redacted URL).
     */
    public static RealmDatabases open(
            final String poolName,
            final Database accounts,
            final Collection<String> realms,
            final Map<String, RealmDatabase> own,
            final Path serverCa,
            final int poolSize) {
        final Map<String, Database> byRealm = new LinkedHashMap<>();
        try {
            for (final String realm : realms) {
                final RealmDatabase settings = own.get(realm);
                if (settings == null) {
                    byRealm.put(realm, accounts);
                    continue;
                }
                try {
                    byRealm.put(
                            realm,
                            Database.open(
                                    poolName + "-" + realm,
                                    settings.url(),
                                    settings.credentials(),
                                    serverCa,
                                    poolSize));
                } catch (final StartupException e) {
                    throw new StartupException(
                            "realm " + realm + "'s database (--realm-db " + realm + "=...): " + e.getMessage(), e);
                }
            }
        } catch (final RuntimeException e) {
            new RealmDatabases(accounts, byRealm).close();
            throw e;
        }
        return new RealmDatabases(accounts, byRealm);
    }

    /** The accounts database (also the database of every realm without its own). */
    public Database accounts() {
        return accounts;
    }

    /** The realms served. */
    public Set<String> realms() {
        return byRealm.keySet();
    }

    /** Realm {@code realm}'s database; {@link IllegalArgumentException} naming the realms served for another. */
    public Database of(final String realm) {
        final Database database = byRealm.get(realm);
        if (database == null) {
            throw new IllegalArgumentException(
                    "no database for realm '" + realm + "': the realms served are " + byRealm.keySet());
        }
        return database;
    }

    /** Each distinct realm database with the realms it holds, in the order the realms were named. */
    public Map<Database, List<String>> byDatabase() {
        // Database keeps Object's identity equality: one entry per pool.
        final Map<Database, List<String>> grouped = new LinkedHashMap<>();
        byRealm.forEach((realm, database) ->
                grouped.computeIfAbsent(database, d -> new ArrayList<>()).add(realm));
        return grouped;
    }

    /** Bring the accounts schema of the accounts database and the realm schema of every realm database up to date. */
    public void migrate() {
        accounts.migrate(Database.Schema.ACCOUNTS);
        for (final Database database : byDatabase().keySet()) {
            database.migrate(Database.Schema.REALM);
        }
    }

    @Override
    public void close() {
        final Set<Database> closed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final Database database : byRealm.values()) {
            if (closed.add(database)) {
                database.close();
            }
        }
        if (closed.add(accounts)) {
            accounts.close();
        }
    }
}
