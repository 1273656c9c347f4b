package io.realmcluster.common.auth;

/** A key that signs session tokens: the control plane's private key, or a node's own key. */
public interface TokenSigner {
    /** The id of the key that verifies what this signs. */
    long keyId();

    /** The signature of the first {@code length} bytes of {@code data}. */
    byte[] sign(byte[] data, int length);
}
