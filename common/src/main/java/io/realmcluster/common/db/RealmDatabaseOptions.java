package io.realmcluster.common.db;

import io.realmcluster.common.cli.StartupException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/**
 * The flags that give a realm a database of its own, mixed into the command lines of the control
 * plane and the nodes. A realm without one keeps its characters in the {@code --db-url} database.
 */
public final class RealmDatabaseOptions {
    @Option(
            names = "--realm-db",
            paramLabel = "REALM=JDBC-URL",
            description = "Realm REALM's own database (characters, items, ledger), repeatable; user and password from "
                    + "REALM_DB_USER_<REALM> and REALM_DB_PASSWORD_<REALM>, else REALM_DB_USER and REALM_DB_PASSWORD. "
                    + "A realm without one uses --db-url.")
    Map<String, String> urls;

    @Option(
            names = "--realm-db-password-file",
            paramLabel = "REALM=FILE",
            description = "File (mode 0600) holding the password of realm REALM's database, repeatable.")
    Map<String, Path> passwordFiles;

    /** Empty options: every realm in the {@code --db-url} database. */
    public RealmDatabaseOptions() {}

    /** Options as if given on the command line (tests, the local cluster). */
    public RealmDatabaseOptions(final Map<String, String> urls, final Map<String, Path> passwordFiles) {
        this.urls = new LinkedHashMap<>(urls);
        this.passwordFiles = new LinkedHashMap<>(passwordFiles);
    }

    /** The realms given a database of their own ({@code --realm-db}), in the order given. */
    public Set<String> named() {
        return urls == null ? Set.of() : new LinkedHashSet<>(urls.keySet());
    }

    /**
     * The realms with a database of their own, each with its credentials from {@code environment};
     * refused when one names a realm outside {@code served} or a password file has no {@code --realm-db}.
     */
    public Map<String, RealmDatabase> resolve(final Collection<String> served, final Map<String, String> environment) {
        final Map<String, String> given = urls == null ? Map.of() : urls;
        final Map<String, Path> files = passwordFiles == null ? Map.of() : passwordFiles;
        for (final String realm : given.keySet()) {
            if (!served.contains(realm)) {
                throw new StartupException("--realm-db " + realm + "=...: realm " + realm
                        + " is not served here (serving " + new TreeSet<>(served) + "); add it to --realms or drop "
                        + "its --realm-db");
            }
        }
        for (final String realm : files.keySet()) {
            if (!given.containsKey(realm)) {
                throw new StartupException("--realm-db-password-file " + realm + "=...: realm " + realm
                        + " has no --realm-db " + realm + "=JDBC-URL (a realm without one uses --db-url and its "
                        + "credentials)");
            }
        }
        final Map<String, RealmDatabase> resolved = new LinkedHashMap<>();
        given.forEach((realm, url) -> resolved.put(
                realm,
                new RealmDatabase(realm, url, DatabaseCredentials.forRealm(environment, realm, files.get(realm)))));
        return resolved;
    }
}
