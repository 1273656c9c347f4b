package io.realmcluster.common.auth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token a player shows a node: who (account, character, realm), where (the node), until when,
 * signed with HMAC-SHA256. Layout (little-endian): version u8, account i64, character i64, expiry
 * (unix ms) i64, nonce 16 bytes, realm length u8 + UTF-8, node length u8 + UTF-8, then the 32-byte
 * signature over everything before it.
 */
public final class SessionToken {
    public static final byte VERSION = 1;
    private static final int NONCE_BYTES = 16;
    private static final int SIGNATURE_BYTES = 32;
    private static final int FIXED_BYTES = 1 + 8 + 8 + 8 + NONCE_BYTES + 1 + 1;
    /** The longest token: fits the game protocol's HELLO. */
    public static final int MAX_BYTES = FIXED_BYTES + 255 + 255 + SIGNATURE_BYTES;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a valid token says. */
    public record Claims(long accountId, long characterId, String realm, String nodeId, long expiresAtMillis) {}

    /** Why a token was refused. */
    public enum Failure {
        MALFORMED,
        BAD_SIGNATURE,
        EXPIRED,
        WRONG_NODE
    }

    /** A verification's outcome: claims, or the failure. */
    public record Verdict(Claims claims, Failure failure) {
        public boolean valid() {
            return failure == null;
        }
    }

    private final TokenSecret secret;

    public SessionToken(final TokenSecret secret) {
        this.secret = secret;
    }

    /** A signed token for {@code claims} with a fresh random nonce, at most {@link #MAX_BYTES} long. */
    public byte[] issue(final Claims claims) {
        final byte[] realm = claims.realm().getBytes(StandardCharsets.UTF_8);
        final byte[] node = claims.nodeId().getBytes(StandardCharsets.UTF_8);
        if (realm.length > 255 || node.length > 255) {
            throw new IllegalArgumentException("realm and node id must be at most 255 bytes");
        }
        final ByteBuffer body = ByteBuffer.allocate(FIXED_BYTES + realm.length + node.length + SIGNATURE_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        final byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        body.put(VERSION)
                .putLong(claims.accountId())
                .putLong(claims.characterId())
                .putLong(claims.expiresAtMillis())
                .put(nonce)
                .put((byte) realm.length)
                .put(realm)
                .put((byte) node.length)
                .put(node);
        body.put(sign(body.array(), body.position()));
        return body.array();
    }

    /** Check signature, expiry and that the token was issued for {@code nodeId}. Never throws on bad input. */
    public Verdict verify(final byte[] token, final String nodeId, final long nowMillis) {
        if (token == null
                || token.length < FIXED_BYTES + SIGNATURE_BYTES
                || token.length > MAX_BYTES
                || token[0] != VERSION) {
            return new Verdict(null, Failure.MALFORMED);
        }
        final ByteBuffer in = ByteBuffer.wrap(token).order(ByteOrder.LITTLE_ENDIAN);
        in.position(1);
        final long account = in.getLong();
        final long character = in.getLong();
        final long expires = in.getLong();
        in.position(in.position() + NONCE_BYTES);
        final int realmLength = in.get() & 0xFF;
        if (in.remaining() < realmLength + 1 + SIGNATURE_BYTES) {
            return new Verdict(null, Failure.MALFORMED);
        }
        final String realm = new String(token, in.position(), realmLength, StandardCharsets.UTF_8);
        in.position(in.position() + realmLength);
        final int nodeLength = in.get() & 0xFF;
        if (in.remaining() != nodeLength + SIGNATURE_BYTES) {
            return new Verdict(null, Failure.MALFORMED);
        }
        final String node = new String(token, in.position(), nodeLength, StandardCharsets.UTF_8);
        final int signed = in.position() + nodeLength;
        final byte[] expected = sign(token, signed);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(token, signed, token.length))) {
            return new Verdict(null, Failure.BAD_SIGNATURE);
        }
        if (nowMillis >= expires) {
            return new Verdict(null, Failure.EXPIRED);
        }
        if (!node.equals(nodeId)) {
            return new Verdict(null, Failure.WRONG_NODE);
        }
        return new Verdict(new Claims(account, character, realm, node, expires), null);
    }

    private byte[] sign(final byte[] data, final int length) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
