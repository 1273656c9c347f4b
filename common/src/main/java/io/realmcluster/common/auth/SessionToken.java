package io.realmcluster.common.auth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.LongFunction;

/**
 * The token a player shows a node: who (account, character, realm), where (node, instance), at which
 * ownership epoch, until when, and a nonce that makes it single-use; signed by the key its id names.
 * Layout (little-endian): version u8, key id i64, account i64, character i64, epoch i64, expiry (unix ms)
 * i64, nonce 16 bytes, then realm, node and instance, each a length u8 and UTF-8, then the signature over
 * everything before it (the rest of the token: 64 bytes for Ed25519, 32 for a node's own key).
 */
public final class SessionToken {
    public static final byte VERSION = 2;
    /** Bytes of the nonce. */
    public static final int NONCE_BYTES = 16;

    private static final int MAX_SIGNATURE_BYTES = 64;
    private static final int MIN_SIGNATURE_BYTES = 32;
    private static final int FIXED_BYTES = 1 + 8 + 8 + 8 + 8 + 8 + NONCE_BYTES + 1 + 1 + 1;
    /** The longest token: fits the game protocol's HELLO. */
    public static final int MAX_BYTES = FIXED_BYTES + 3 * 255 + MAX_SIGNATURE_BYTES;

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What a valid token says: the account's character may play on {@code nodeId} in {@code instanceId}
     * until {@code expiresAtMillis}; {@code epoch} is the character's ownership epoch the token is bound to
     * (a login's: the epoch the control plane read, which the node's claim requires still current; a
     * transfer's: the epoch the target claimed it at).
     */
    public record Claims(
            long accountId,
            long characterId,
            String realm,
            String nodeId,
            String instanceId,
            long epoch,
            long expiresAtMillis) {}

    /** Why a token was refused. */
    public enum Failure {
        MALFORMED,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        EXPIRED,
        WRONG_NODE,
        /** Its nonce was seen before: the token was used already. */
        REPLAYED,
        /** The node remembers as many unexpired tokens as it may: a new one waits for old ones to expire. */
        TOO_MANY_TOKENS
    }

    /** A verification's outcome: claims and nonce, or the failure. */
    public record Verdict(Claims claims, long nonceHigh, long nonceLow, Failure failure) {
        static Verdict refused(final Failure failure) {
            return new Verdict(null, 0, 0, failure);
        }

        public boolean valid() {
            return failure == null;
        }
    }

    private SessionToken() {}

    /** A token for {@code claims} signed by {@code signer}, with a fresh random nonce; at most {@link #MAX_BYTES}. */
    public static byte[] issue(final TokenSigner signer, final Claims claims) {
        final byte[] realm = utf8(claims.realm(), "realm");
        final byte[] node = utf8(claims.nodeId(), "node id");
        final byte[] instance = utf8(claims.instanceId(), "instance id");
        final int bodyLength = FIXED_BYTES + realm.length + node.length + instance.length;
        final ByteBuffer body = ByteBuffer.allocate(bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        body.put(VERSION)
                .putLong(signer.keyId())
                .putLong(claims.accountId())
                .putLong(claims.characterId())
                .putLong(claims.epoch())
                .putLong(claims.expiresAtMillis())
                .put(nonce)
                .put((byte) realm.length)
                .put(realm)
                .put((byte) node.length)
                .put(node)
                .put((byte) instance.length)
                .put(instance);
        final byte[] signature = signer.sign(body.array(), bodyLength);
        final byte[] token = new byte[bodyLength + signature.length];
        System.arraycopy(body.array(), 0, token, 0, bodyLength);
        System.arraycopy(signature, 0, token, bodyLength, signature.length);
        return token;
    }

    /**
     * Check the token's form, that {@code keys} knows its key and the signature is that key's, that it has
     * not expired at {@code nowMillis} and was issued for {@code nodeId}. Does not remember its nonce (see
     * {@link TokenVerifier}). Never throws on bad input.
     */
    public static Verdict verify(
            final byte[] token, final LongFunction<TokenKey> keys, final String nodeId, final long nowMillis) {
        if (token == null
                || token.length < FIXED_BYTES + MIN_SIGNATURE_BYTES
                || token.length > MAX_BYTES
                || token[0] != VERSION) {
            return Verdict.refused(Failure.MALFORMED);
        }
        final ByteBuffer in = ByteBuffer.wrap(token).order(ByteOrder.LITTLE_ENDIAN);
        in.position(1);
        final long keyId = in.getLong();
        final long account = in.getLong();
        final long character = in.getLong();
        final long epoch = in.getLong();
        final long expires = in.getLong();
        final long nonceHigh = in.getLong();
        final long nonceLow = in.getLong();
        final String realm = string(in);
        final String node = realm == null ? null : string(in);
        final String instance = node == null ? null : string(in);
        if (instance == null) {
            return Verdict.refused(Failure.MALFORMED);
        }
        final int signed = in.position();
        final int signatureLength = token.length - signed;
        if (signatureLength < MIN_SIGNATURE_BYTES || signatureLength > MAX_SIGNATURE_BYTES) {
            return Verdict.refused(Failure.MALFORMED);
        }
        final TokenKey key = keys.apply(keyId);
        if (key == null) {
            return Verdict.refused(Failure.UNKNOWN_KEY);
        }
        if (!key.verifies(token, signed, token, signed, signatureLength)) {
            return Verdict.refused(Failure.BAD_SIGNATURE);
        }
        if (nowMillis >= expires) {
            return Verdict.refused(Failure.EXPIRED);
        }
        if (!node.equals(nodeId)) {
            return Verdict.refused(Failure.WRONG_NODE);
        }
        return new Verdict(
                new Claims(account, character, realm, node, instance, epoch, expires), nonceHigh, nonceLow, null);
    }

    /** A length-prefixed UTF-8 string at the buffer's position, or null when the token is too short for it. */
    private static String string(final ByteBuffer in) {
        if (in.remaining() < 1) {
            return null;
        }
        final int length = in.get() & 0xFF;
        if (in.remaining() < length) {
            return null;
        }
        final String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    private static byte[] utf8(final String value, final String what) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new IllegalArgumentException(what + " must be at most 255 bytes, got " + bytes.length);
        }
        return bytes;
    }
}
