package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Arbitrary bytes, and a good token damaged by them, into the verifier: it never throws and never
 * accepts anything but the token as issued. In the normal suite this replays the seeds under
 * src/test/resources; {@code JAZZER_FUZZ=1 ./mvnw -pl common -am test -Dtest=TokenVerifierFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false} fuzzes for its {@code maxDuration}.
 */
class TokenVerifierFuzzTest {
    private static final SessionToken.Claims CLAIMS =
            new SessionToken.Claims(7, 42, "main", "node-1", "main:0:1", 3, Long.MAX_VALUE);
    private static final byte[] TOKEN = SessionToken.issue(SessionTokenTest.SIGNER, CLAIMS);
    private static final NodeTokenKey OWN = NodeTokenKey.random(new java.security.SecureRandom());
    private static final byte[] OWN_TOKEN = SessionToken.issue(OWN, CLAIMS);

    @FuzzTest(maxDuration = "60s")
    void theVerifierRefusesEveryMutatedToken(final byte[] input) {
        final TokenVerifier verifier = new TokenVerifier(
                java.util.List.of(Ed25519TokenKeys.verifier(SessionTokenTest.CURRENT.getPublic()), OWN),
                new UsedTokens(4));
        assertThat(verifier.admit(input, "node-1", 1).valid())
                .as("arbitrary bytes")
                .isEqualTo(Arrays.equals(input, TOKEN) || Arrays.equals(input, OWN_TOKEN));
        for (final byte[] good : new byte[][] {TOKEN, OWN_TOKEN}) {
            final byte[] mutated = mutate(good, input);
            if (!Arrays.equals(mutated, good)) {
                assertThat(verifier.admit(mutated, "node-1", 1).valid())
                        .as("a mutated token")
                        .isFalse();
            }
        }
    }

    /** {@code token} with the input's bytes laid over it at the offset its first two bytes name, then cut or grown to the third's length. */
    private static byte[] mutate(final byte[] token, final byte[] input) {
        if (input.length < 3) {
            return token;
        }
        final byte[] mutated = Arrays.copyOf(token, Math.max(1, token.length + (input[2] % 16)));
        final int at = ((input[0] & 0xFF) << 8 | (input[1] & 0xFF)) % mutated.length;
        for (int i = 3; i < input.length && at + i - 3 < mutated.length; i++) {
            mutated[at + i - 3] ^= input[i];
        }
        return mutated;
    }
}
