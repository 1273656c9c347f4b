package io.realmcluster.common.db;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.secrets.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who connects to the database: from the environment ({@code REALM_DB_USER}, {@code
 * REALM_DB_PASSWORD}) or a password file only its owner may read, never from a flag that {@code ps} would show. The
 * password never appears in {@link #toString()}.
 */
public record DatabaseCredentials(String user, String password) {
    public static final String USER_VARIABLE = "REALM_DB_USER";
    public static final String PASSWORD_VARIABLE = "REALM_DB_PASSWORD";

    /** From {@code environment}, the password from {@code passwordFile} when given. */
    public static DatabaseCredentials from(final Map<String, String> environment, final Path passwordFile) {
        final String user = environment.getOrDefault(USER_VARIABLE, "");
        if (user.isBlank()) {
            throw new StartupException("the database user is not set: export " + USER_VARIABLE);
        }
        String password = environment.getOrDefault(PASSWORD_VARIABLE, "");
        if (passwordFile != null) {
            try {
                password =
                        Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (final IOException e) {
                throw new StartupException(
                        "cannot read the database password file " + passwordFile + ": " + e.getMessage(), e);
            }
            SecretFiles.requireOwnerOnly(passwordFile);
        }
        return new DatabaseCredentials(user, password);
    }

    /**
     * Realm {@code realm}'s credentials: the user from {@code REALM_DB_USER_<REALM>}, else {@code
     * REALM_DB_USER}; the password from {@code passwordFile} when given, else {@code
     * REALM_DB_PASSWORD_<REALM>}, else {@code REALM_DB_PASSWORD} (see {@link #variable}).
     */
    public static DatabaseCredentials forRealm(
            final Map<String, String> environment, final String realm, final Path passwordFile) {
        final String userVariable = variable(USER_VARIABLE, realm);
        final String passwordVariable = variable(PASSWORD_VARIABLE, realm);
        final Map<String, String> merged = new HashMap<>(environment);
        if (!environment.getOrDefault(userVariable, "").isBlank()) {
            merged.put(USER_VARIABLE, environment.get(userVariable));
        }
        if (environment.containsKey(passwordVariable)) {
            merged.put(PASSWORD_VARIABLE, environment.get(passwordVariable));
        }
        if (merged.getOrDefault(USER_VARIABLE, "").isBlank()) {
            throw new StartupException("the database user of realm " + realm + " is not set: export " + userVariable
                    + " or " + USER_VARIABLE);
        }
        return from(merged, passwordFile);
    }

    /** {@code base} for realm {@code realm}: {@code REALM_DB_USER_SECOND} for realm {@code second} ({@code -} as {@code _}). */
    public static String variable(final String base, final String realm) {
        return base + "_" + realm.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "(set)") + "]";
    }
}
