package io.realmcluster.common.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Salted PBKDF2-HMAC-SHA256 password hashes; the iteration count is stored with each hash so it can rise. */
public final class PasswordHasher {
    /** OWASP's floor for PBKDF2-HMAC-SHA256 in 2023. */
    public static final int DEFAULT_ITERATIONS = 210_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A hash with its salt and iteration count. */
    public record Hash(byte[] hash, byte[] salt, int iterations) {}

    private final int iterations;

    /** New hashes get {@code iterations} (at least 1000); verification uses each hash's own count. */
    public PasswordHasher(final int iterations) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("PBKDF2 iterations must be at least 1000, got " + iterations);
        }
        this.iterations = iterations;
    }

    /** Hash {@code password} with a fresh random salt. */
    public Hash hash(final String password) {
        final byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new Hash(derive(password, salt, iterations), salt, iterations);
    }

    /** Whether {@code password} matches; constant time in the hash comparison. */
    public static boolean verify(final String password, final Hash stored) {
        return MessageDigest.isEqual(derive(password, stored.salt(), stored.iterations()), stored.hash());
    }

    private static byte[] derive(final String password, final byte[] salt, final int iterations) {
        final PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }
}
