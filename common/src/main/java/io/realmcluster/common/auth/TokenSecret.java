package io.realmcluster.common.auth;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.secrets.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The key session tokens are signed with, shared by the control plane and the nodes: from a file
 * ({@code --token-secret-file}, readable by its owner only) or {@code REALM_TOKEN_SECRET}; at least 32
 * bytes. Never printed.
 */
public final class TokenSecret {
    public static final String VARIABLE = "REALM_TOKEN_SECRET";
    private static final int MIN_BYTES = 32;

    private final byte[] key;

    private TokenSecret(final byte[] key) {
        this.key = key;
    }

    /** A secret of these bytes (copied); a one-line error when shorter than 32 bytes. */
    public static TokenSecret of(final byte[] key) {
        if (key.length < MIN_BYTES) {
            throw new StartupException("the token secret must be at least " + MIN_BYTES + " bytes, got " + key.length);
        }
        return new TokenSecret(key.clone());
    }

    /** From {@code file} when given, else from the environment; a one-line error saying how to provide it. */
    public static TokenSecret load(final Path file, final Map<String, String> environment) {
        if (file != null) {
            final byte[] raw;
            try {
                raw = Files.readAllBytes(file);
            } catch (final IOException e) {
                throw new StartupException("cannot read the token secret file " + file + ": " + e.getMessage(), e);
            }
            SecretFiles.requireOwnerOnly(file);
            // Raw random bytes work as well as text; a text editor's trailing newline is not part of the key.
            return of(strip(raw));
        }
        final String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            throw new StartupException("no token secret: pass --token-secret-file FILE (32+ random bytes, e.g. "
                    + "`head -c 48 /dev/urandom | base64 > FILE`) or export " + VARIABLE);
        }
        return of(value.strip().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] strip(final byte[] raw) {
        int from = 0;
        int to = raw.length;
        while (from < to && isAsciiWhitespace(raw[from])) {
            from++;
        }
        while (to > from && isAsciiWhitespace(raw[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(raw, from, to);
    }

    private static boolean isAsciiWhitespace(final byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
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
