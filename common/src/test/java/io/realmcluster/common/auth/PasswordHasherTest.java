package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Password hashes: salted, verified with the iteration count stored beside them. */
class PasswordHasherTest {
    @Test
    void theRightPasswordMatchesAndAnyOtherDoesNot() {
        final PasswordHasher.Hash hash = new PasswordHasher(1_000).hash("hunter2-or-so");
        assertThat(PasswordHasher.verify("hunter2-or-so", hash)).isTrue();
        assertThat(PasswordHasher.verify("hunter2-or-sO", hash)).isFalse();
        assertThat(PasswordHasher.verify("", hash)).isFalse();
        assertThat(hash.hash()).hasSize(32);
        assertThat(hash.salt()).hasSize(16);
    }

    @Test
    void equalPasswordsGetDifferentSaltsAndHashes() {
        final PasswordHasher hasher = new PasswordHasher(1_000);
        final PasswordHasher.Hash first = hasher.hash("same-password");
        final PasswordHasher.Hash second = hasher.hash("same-password");
        assertThat(first.salt()).isNotEqualTo(second.salt());
        assertThat(first.hash()).isNotEqualTo(second.hash());
    }

    @Test
    void aHashKeepsItsIterationCountWhenTheDefaultRises() {
        final PasswordHasher.Hash old = new PasswordHasher(1_000).hash("long-ago");
        assertThat(old.iterations()).isEqualTo(1_000);
        new PasswordHasher(5_000).hash("anything");
        assertThat(PasswordHasher.verify("long-ago", old)).isTrue();
        assertThat(PasswordHasher.verify("long-ago", new PasswordHasher.Hash(old.hash(), old.salt(), 1_001)))
                .isFalse();
    }

    @Test
    void tooFewIterationsAreRefused() {
        assertThatThrownBy(() -> new PasswordHasher(999))
                .hasMessage("PBKDF2 iterations must be at least 1000, got 999");
        assertThat(PasswordHasher.DEFAULT_ITERATIONS).isEqualTo(210_000);
    }
}
