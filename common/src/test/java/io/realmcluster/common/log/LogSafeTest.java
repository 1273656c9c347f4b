package io.realmcluster.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Client strings in logs: one line each, short, never forged entries. */
class LogSafeTest {
    @Test
    void lineBreaksAndControlCharactersAreEscapedSoANameCannotForgeALogLine() {
        assertThat(LogSafe.safe("Thrall\n2026-01-01 INFO admin logged in\r\u001b[31m\u0000\u2028"))
                .isEqualTo("Thrall\\n2026-01-01 INFO admin logged in\\r\\u001b[31m\\u0000\\u2028")
                .doesNotContain("\n", "\r");
    }

    @Test
    void longStringsAreCutAndSayHowLongTheyWere() {
        final String flood = "a".repeat(10_000);
        assertThat(LogSafe.safe(flood)).isEqualTo("a".repeat(LogSafe.MAX_LENGTH) + "...(10000 chars)");
        assertThat(LogSafe.safe("Jaina")).isEqualTo("Jaina");
        assertThat(LogSafe.safe(null)).isEqualTo("null");
        assertThat(LogSafe.safe("back\\slash")).isEqualTo("back\\\\slash");
    }
}
