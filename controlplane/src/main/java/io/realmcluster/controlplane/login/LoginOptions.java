package io.realmcluster.controlplane.login;

import io.realmcluster.common.auth.PasswordHasher;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The control plane's flags for accounts and login; mixed into its command line. */
public final class LoginOptions {
    @Option(
            names = "--db-url",
            paramLabel = "JDBC-URL",
            description = "The realm's character database (accounts, characters); user and password from "
                    + "REALM_DB_USER and REALM_DB_PASSWORD. Without it, login and account commands are refused.")
    String dbUrl;

    @Option(
            names = "--db-password-file",
            paramLabel = "FILE",
            description = "File holding the database password (instead of REALM_DB_PASSWORD).")
    Path dbPasswordFile;

    @Option(
            names = "--token-key-file",
            paramLabel = "FILE",
            description = "Ed25519 private key (PKCS#8 PEM, mode 0600) that signs session tokens; nodes get its "
                    + "public key (--token-public-keys). Make one with `realmctl token-key init --dir DIR`.")
    Path tokenKeyFile;

    @Option(
            names = "--token-ttl",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long a session token stays valid (default: ${DEFAULT-VALUE}).")
    long tokenTtlSeconds;

    @Option(
            names = "--allow-registration",
            description = "Let game clients create accounts and characters themselves (off by default).")
    boolean allowRegistration;

    @Option(
            names = "--password-iterations",
            paramLabel = "N",
            defaultValue = "" + PasswordHasher.DEFAULT_ITERATIONS,
            description = "PBKDF2 iterations of new password hashes (default: ${DEFAULT-VALUE}).")
    int passwordIterations;

    public String dbUrl() {
        return dbUrl;
    }

    public Path dbPasswordFile() {
        return dbPasswordFile;
    }

    public Path tokenKeyFile() {
        return tokenKeyFile;
    }

    public long tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    public boolean allowRegistration() {
        return allowRegistration;
    }

    public int passwordIterations() {
        return passwordIterations;
    }
}
