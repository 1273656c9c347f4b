package io.realmcluster.common.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A node's own token key: HMAC-SHA256 under 32 random bytes drawn at start, which never leave the
 * process. The node signs the tokens of characters transferred to it with it and accepts them only for
 * itself; no other process can make or check one.
 */
public final class NodeTokenKey implements TokenSigner, TokenKey {
    private static final String MAC = "HmacSHA256";
    private final SecretKeySpec key;
    private final long id;

    private NodeTokenKey(final byte[] secret, final long id) {
        this.key = new SecretKeySpec(secret, MAC);
        this.id = id;
    }

    /** A fresh key from {@code random}. */
    public static NodeTokenKey random(final SecureRandom random) {
        final byte[] secret = new byte[32];
        random.nextBytes(secret);
        final byte[] id = new byte[8];
        random.nextBytes(id);
        return new NodeTokenKey(secret, ByteBuffer.wrap(id).getLong());
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long keyId() {
        return id;
    }

    @Override
    public byte[] sign(final byte[] data, final int length) {
        try {
            final Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available in this JVM", e);
        }
    }

    @Override
    public boolean verifies(
            final byte[] data,
            final int length,
            final byte[] signature,
            final int signatureOffset,
            final int signatureLength) {
        if (signatureLength != 32 || signatureOffset < 0 || signatureOffset + signatureLength > signature.length) {
            return false;
        }
        final byte[] expected = sign(data, length);
        final byte[] presented = new byte[signatureLength];
        System.arraycopy(signature, signatureOffset, presented, 0, signatureLength);
        return MessageDigest.isEqual(expected, presented);
    }

    @Override
    public String toString() {
        return "NodeTokenKey[" + TokenKey.hex(id) + "]";
    }
}
