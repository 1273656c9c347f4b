package io.realmcluster.controlplane.login;

import io.realmcluster.common.auth.PasswordHasher;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The control plane's flags for accounts and login; mixed into its command line. */
public final class LoginOptions {
    @Option(
            names = "--db-url",
            paramLabel = "JDBC-URL",
            description = "The accounts database, which also holds the characters of every realm without a --realm-db "
                    + "of its own; user and password from REALM_DB_USER and REALM_DB_PASSWORD. Without it, login and "
                    + "account commands are refused.")
    String dbUrl;

    @Option(
            names = "--db-password-file",
            paramLabel = "FILE",
            description = "File holding the database password (instead of REALM_DB_PASSWORD).")
    Path dbPasswordFile;

    @Option(
            names = "--db-ca",
            paramLabel = "FILE",
            description =
                    "CA certificate (PEM) of the database servers (--db-url and every --realm-db): connect over TLS and verify the server's "
                            + "certificate and host name (sslmode=verify-full). Production realms give it; without it the "
                            + "connection is as --db-url says (pgjdbc's default tries TLS without verifying it).")
    Path dbCa;

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

    @Option(
            names = "--login-rate-per-ip",
            paramLabel = "N",
            defaultValue = "" + LoginLimits.DEFAULT_ATTEMPTS_PER_SECOND,
            description = "Logins and character creations one client address may try a second, in bursts of twice "
                    + "that (default: ${DEFAULT-VALUE}); failed ones also make the address and the account wait, "
                    + "doubling up to a minute.")
    double loginRatePerIp;

    @Option(
            names = "--registrations-per-ip",
            paramLabel = "N",
            defaultValue = "" + LoginLimits.DEFAULT_REGISTRATIONS_PER_HOUR,
            description = "Accounts one client address may register an hour (default: ${DEFAULT-VALUE}).")
    double registrationsPerIp;

    @Option(
            names = "--new-character-level",
            paramLabel = "LEVEL",
            defaultValue = "1",
            description = "Level new characters start at (default: ${DEFAULT-VALUE}); for development and the local "
                    + "cluster, whose bots must be level 10 to 60 to queue for battlegrounds. Existing characters keep "
                    + "theirs.")
    int newCharacterLevel;

    @Option(
            names = "--resume-ttl",
            paramLabel = "HOURS",
            defaultValue = "12",
            description = "How long the resume credential a client gets at login stays valid: with it, a client "
                    + "whose node connection broke gets back into the world without its password (single use, "
                    + "a new one at each use; default: ${DEFAULT-VALUE}).")
    long resumeTtlHours;

    public long resumeTtlHours() {
        if (resumeTtlHours < 1) {
            throw new IllegalArgumentException("--resume-ttl must be at least 1 hour, got " + resumeTtlHours);
        }
        return resumeTtlHours;
    }

    public String dbUrl() {
        return dbUrl;
    }

    public Path dbPasswordFile() {
        return dbPasswordFile;
    }

    public Path dbCa() {
        return dbCa;
    }

    public Path tokenKeyFile() {
        return tokenKeyFile;
    }

    public long tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    public int newCharacterLevel() {
        return newCharacterLevel;
    }

    public boolean allowRegistration() {
        return allowRegistration;
    }

    public int passwordIterations() {
        return passwordIterations;
    }

    /** The per-address limits, with a hashing thread per core. */
    public LoginLimits limits() {
        return LoginLimits.perCore(loginRatePerIp, registrationsPerIp);
    }
}
