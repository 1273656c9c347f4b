package io.realmcluster.common.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import io.realmcluster.common.cli.StartupException;

/**
 * The key session tokens are signed with, shared by the control plane and the nodes: from a file
 * ({@code --token-secret-file}) or {@code REALM_TOKEN_SECRET}; at least 32 bytes. Never printed.
 */
public final class TokenSecret {
    public static final String VARIABLE = "REALM_TOKEN_SECRET";
    private static final int MIN_BYTES = 32;

    private final byte[] key;

    private TokenSecret(final byte[] key) {
        this.key = key;
    }

    public static TokenSecret of(final byte[] key) {
        if (key.length < MIN_BYTES) {
            throw new StartupException("the token secret must be at least " + MIN_BYTES + " bytes, got " + key.length);
        }
        return new TokenSecret(key.clone());
    }

    /** From {@code file} when given, else from the environment; a one-line error saying how to provide it. */
    public static TokenSecret load(final Path file, final Map<String, String> environment) {
        if (file != null) {
            try {
                return of(Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                throw new StartupException("cannot read the token secret file " + file + ": " + e.getMessage(), e);
            }
        }
        final String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            throw new StartupException("no token secret: pass --token-secret-file FILE (32+ random bytes, e.g. "
                + "`head -c 48 /dev/urandom | base64 > FILE`) or export " + VARIABLE);
        }
        return of(value.strip().getBytes(StandardCharsets.UTF_8));
    }

    byte[] key() {
        return key;
    }

    @Override
    public String toString() {
        return "TokenSecret[" + key.length + " bytes]";
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof TokenSecret secret && Arrays.equals(key, secret.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
