package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsedTokensTest {
    @Test
    void aNonceIsRememberedUntilItsTokenExpires() {
        final UsedTokens used = new UsedTokens(10);
        assertThat(used.use(1, 2, 1_000, 0)).isNull();
        assertThat(used.use(1, 2, 1_000, 999)).isEqualTo(SessionToken.Failure.REPLAYED);
        assertThat(used.use(1, 3, 1_000, 999)).as("another nonce").isNull();
        used.use(9, 9, 5_000, 1_000);
        assertThat(used.size()).as("the two that expired at 1000 are forgotten").isEqualTo(1);
    }

    @Test
    void aFullSetRefusesNewTokensUntilOldOnesExpire() {
        final UsedTokens used = new UsedTokens(3);
        for (int i = 0; i < 3; i++) {
            assertThat(used.use(0, i, 1_000 + i, 0)).isNull();
        }
        assertThat(used.use(0, 99, 2_000, 500)).isEqualTo(SessionToken.Failure.TOO_MANY_TOKENS);
        assertThat(used.size()).isEqualTo(3);
        assertThat(used.use(0, 99, 2_000, 1_000))
                .as("the first one expired: room for one")
                .isNull();
        assertThat(used.use(0, 100, 2_000, 1_000)).isEqualTo(SessionToken.Failure.TOO_MANY_TOKENS);
        assertThat(used.size()).isEqualTo(3);
    }
}
