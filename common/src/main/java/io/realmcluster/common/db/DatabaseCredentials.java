package io.realmcluster.common.db;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.secrets.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "(set)") + "]";
    }
}
