package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SessionTokenTest {
    static final KeyPair CURRENT = pair();
    static final KeyPair PREVIOUS = pair();
    static final KeyPair OLDER = pair();
    static final TokenSigner SIGNER = Ed25519TokenKeys.signer(CURRENT.getPrivate(), CURRENT.getPublic());

    private final SessionToken.Claims claims = new SessionToken.Claims(7, 42, "main", "node-1", "main:0:1", 3, 10_000);

    private final TokenVerifier verifier = verifier(new UsedTokens(100));

    static TokenVerifier verifier(final UsedTokens used) {
        return new TokenVerifier(
                List.of(
                        Ed25519TokenKeys.verifier(CURRENT.getPublic()),
                        Ed25519TokenKeys.verifier(PREVIOUS.getPublic())),
                used);
    }

    @Test
    void aGoodTokenGivesBackItsClaimsOnce() {
        final byte[] token = SessionToken.issue(SIGNER, claims);
        final SessionToken.Verdict verdict = verifier.admit(token, "node-1", 9_999);
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.claims()).isEqualTo(claims);
        assertThat(verifier.admit(token, "node-1", 9_999).failure()).isEqualTo(SessionToken.Failure.REPLAYED);
        assertThat(verifier.admit(SessionToken.issue(SIGNER, claims), "node-1", 9_999)
                        .valid())
                .as("another token for the same claims has its own nonce")
                .isTrue();
    }

    @Test
    void expiredWrongNodeAndForeignKeysAreRefused() {
        final byte[] token = SessionToken.issue(SIGNER, claims);
        assertThat(verifier.admit(token, "node-1", 10_000).failure()).isEqualTo(SessionToken.Failure.EXPIRED);
        assertThat(verifier.admit(token, "node-2", 1).failure()).isEqualTo(SessionToken.Failure.WRONG_NODE);
        final TokenSigner stranger = Ed25519TokenKeys.signer(OLDER.getPrivate(), OLDER.getPublic());
        assertThat(verifier.admit(SessionToken.issue(stranger, claims), "node-1", 1)
                        .failure())
                .as("a key older than the previous one")
                .isEqualTo(SessionToken.Failure.UNKNOWN_KEY);
    }

    @Test
    void thePreviousKeyIsAcceptedDuringARotation() {
        final TokenSigner previous = Ed25519TokenKeys.signer(PREVIOUS.getPrivate(), PREVIOUS.getPublic());
        assertThat(verifier.admit(SessionToken.issue(previous, claims), "node-1", 1)
                        .claims())
                .isEqualTo(claims);
    }

    @Test
    void aSignatureByAnotherKeyUnderAKnownKeyIdIsRefused() {
        // The forger names the control plane's key id but signs with its own key.
        final TokenSigner forger = new TokenSigner() {
            private final TokenSigner own = Ed25519TokenKeys.signer(OLDER.getPrivate(), OLDER.getPublic());

            @Override
            public long keyId() {
                return SIGNER.keyId();
            }

            @Override
            public byte[] sign(final byte[] data, final int length) {
                return own.sign(data, length);
            }
        };
        assertThat(verifier.admit(SessionToken.issue(forger, claims), "node-1", 1)
                        .failure())
                .isEqualTo(SessionToken.Failure.BAD_SIGNATURE);
        final NodeTokenKey nodeKey = NodeTokenKey.random(new SecureRandom());
        assertThat(verifier.admit(SessionToken.issue(nodeKey, claims), "node-1", 1)
                        .failure())
                .as("a node's own key is known to that node only")
                .isEqualTo(SessionToken.Failure.UNKNOWN_KEY);
    }

    @Test
    void aNodesOwnKeySignsTokensOnlyItChecks() {
        final NodeTokenKey own = NodeTokenKey.random(new SecureRandom());
        final TokenVerifier node = new TokenVerifier(List.of(own), new UsedTokens(10));
        assertThat(node.admit(SessionToken.issue(own, claims), "node-1", 1).claims())
                .isEqualTo(claims);
        final NodeTokenKey other = NodeTokenKey.random(new SecureRandom());
        assertThat(node.admit(SessionToken.issue(other, claims), "node-1", 1).valid())
                .isFalse();
    }

    @Test
    void changingAnyByteBreaksTheToken() {
        final byte[] token = SessionToken.issue(SIGNER, claims);
        for (int i = 0; i < token.length; i++) {
            for (final int flip : new int[] {1, 0x80}) {
                final byte[] forged = token.clone();
                forged[i] ^= (byte) flip;
                assertThat(SessionToken.verify(forged, id -> keyOf(id), "node-1", 1)
                                .valid())
                        .as("byte %d flipped by %d", i, flip)
                        .isFalse();
            }
        }
    }

    @Test
    void arbitraryBytesAreRefusedWithoutAnException() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            final byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            if (junk.length > 0 && random.nextBoolean()) {
                junk[0] = SessionToken.VERSION;
            }
            assertThat(verifier.admit(junk, "node-1", 1).valid()).isFalse();
        }
        assertThat(verifier.admit(null, "node-1", 1).failure()).isEqualTo(SessionToken.Failure.MALFORMED);
        assertThat(verifier.admit(new byte[0], "node-1", 1).failure()).isEqualTo(SessionToken.Failure.MALFORMED);
    }

    @Test
    void randomClaimsSurviveTheRoundTrip() {
        final SplittableRandom random = new SplittableRandom(17);
        final Set<String> tokensSeen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            final SessionToken.Claims drawn = randomClaims(random);
            final byte[] token = SessionToken.issue(SIGNER, drawn);
            assertThat(token.length).isLessThanOrEqualTo(SessionToken.MAX_BYTES);
            final SessionToken.Verdict verdict =
                    SessionToken.verify(token, SessionTokenTest::keyOf, drawn.nodeId(), drawn.expiresAtMillis() - 1);
            assertThat(verdict.valid()).as("claims %s", drawn).isTrue();
            assertThat(verdict.claims()).isEqualTo(drawn);
            assertThat(tokensSeen.add(Base64.getEncoder().encodeToString(token)))
                    .as("nonce makes every token unique")
                    .isTrue();
        }
    }

    @Test
    void randomDamageToRandomTokensIsRefused() {
        final SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < 300; i++) {
            final SessionToken.Claims claims = randomClaims(random);
            final byte[] token = SessionToken.issue(SIGNER, claims);
            final byte[] forged = switch (random.nextInt(3)) {
                case 0 -> flipOneByte(token, random);
                case 1 -> Arrays.copyOf(token, random.nextInt(token.length));
                default -> Arrays.copyOf(token, token.length + 1 + random.nextInt(8));
            };
            assertThat(SessionToken.verify(
                                    forged, SessionTokenTest::keyOf, claims.nodeId(), claims.expiresAtMillis() - 1)
                            .valid())
                    .isFalse();
        }
    }

    static TokenKey keyOf(final long id) {
        return id == SIGNER.keyId() ? Ed25519TokenKeys.verifier(CURRENT.getPublic()) : null;
    }

    private static byte[] flipOneByte(final byte[] token, final SplittableRandom random) {
        final byte[] forged = token.clone();
        forged[random.nextInt(forged.length)] ^= (byte) (1 + random.nextInt(255));
        return forged;
    }

    static SessionToken.Claims randomClaims(final SplittableRandom random) {
        return new SessionToken.Claims(
                random.nextLong(),
                random.nextLong(),
                randomName(random, 0, 40),
                randomName(random, 1, 64),
                randomName(random, 0, 80),
                random.nextLong(),
                random.nextLong(1, Long.MAX_VALUE));
    }

    /** Letters, digits and some multi-byte characters, as realm and node names might hold. */
    private static String randomName(final SplittableRandom random, final int minLength, final int maxLength) {
        final String alphabet = "abcxyzABC019-._:\u00e9\u00df\u4e16\u754c";
        final StringBuilder name = new StringBuilder();
        final int length = random.nextInt(minLength, maxLength + 1);
        for (int i = 0; i < length; i++) {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    static KeyPair pair() {
        try {
            return KeyPairGenerator.getInstance(Ed25519TokenKeys.ALGORITHM).generateKeyPair();
        } catch (final java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
