package io.realmcluster.common.auth;

import java.util.HexFormat;

/** A key that checks session tokens' signatures, known by the 8-byte id tokens carry. */
public interface TokenKey {
    /** The id tokens signed by this key carry. */
    long id();

    /** Whether {@code signature} (its {@code signatureLength} bytes at {@code signatureOffset}) signs the first {@code length} bytes of {@code data}. Never throws. */
    boolean verifies(byte[] data, int length, byte[] signature, int signatureOffset, int signatureLength);

    /** A key id as operators see it: 16 hex digits. */
    static String hex(final long id) {
        return HexFormat.of().toHexDigits(id);
    }
}
