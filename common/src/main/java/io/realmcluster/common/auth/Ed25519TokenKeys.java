package io.realmcluster.common.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 session-token keys: the control plane signs with its private key, nodes verify with the public
 * key. A key's id is the first 8 bytes of the SHA-256 of its public key (X.509 SubjectPublicKeyInfo).
 */
public final class Ed25519TokenKeys {
    /** The JDK's name of the algorithm, for KeyPairGenerator, KeyFactory and Signature. */
    public static final String ALGORITHM = "Ed25519";

    private Ed25519TokenKeys() {}

    /** A fresh key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    /** The id tokens signed by the private half of {@code publicKey} carry. */
    public static long keyId(final PublicKey publicKey) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return ByteBuffer.wrap(digest).getLong();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** A signer with {@code privateKey}, whose tokens carry the id of {@code publicKey}, its other half. */
    public static TokenSigner signer(final PrivateKey privateKey, final PublicKey publicKey) {
        final long id = keyId(publicKey);
        return new TokenSigner() {
            @Override
            public long keyId() {
                return id;
            }

            @Override
            public byte[] sign(final byte[] data, final int length) {
                try {
                    final Signature signature = Signature.getInstance(ALGORITHM);
                    signature.initSign(privateKey);
                    signature.update(data, 0, length);
                    return signature.sign();
                } catch (final GeneralSecurityException e) {
                    throw new IllegalStateException("cannot sign a session token with an " + ALGORITHM + " key", e);
                }
            }
        };
    }

    /** A key that verifies with the public key {@code x509} (SubjectPublicKeyInfo), or null when it holds none. */
    public static TokenKey verifier(final byte[] x509) {
        try {
            return verifier(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509)));
        } catch (final GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** A key that verifies tokens signed by the private half of {@code publicKey}. */
    public static TokenKey verifier(final PublicKey publicKey) {
        final long id = keyId(publicKey);
        return new TokenKey() {
            @Override
            public long id() {
                return id;
            }

            @Override
            public boolean verifies(
                    final byte[] data,
                    final int length,
                    final byte[] signature,
                    final int signatureOffset,
                    final int signatureLength) {
                try {
                    final Signature verifier = Signature.getInstance(ALGORITHM);
                    verifier.initVerify(publicKey);
                    verifier.update(data, 0, length);
                    return verifier.verify(signature, signatureOffset, signatureLength);
                } catch (final SignatureException | InvalidKeyException | IllegalArgumentException e) {
                    return false;
                } catch (final GeneralSecurityException e) {
                    throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
                }
            }

            @Override
            public String toString() {
                return ALGORITHM + " key " + TokenKey.hex(id);
            }
        };
    }
}
