package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.client.ClientProtocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A bot's state machine without a node: its one transition point, the phase timer it ends, the timeout it feeds. */
class BotTransitionTest {
    private static final long ENTER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final BotFleet fleet = new BotFleet(new BotConfig(
            List.of(HostPort.parse("127.0.0.1:1")), 1, Duration.ZERO, "main", "abcd", 1, 1, Duration.ofSeconds(10)));
    private final Bot bot = new Bot(
            0,
            "abcdbot0",
            "secret",
            "Abcdbota",
            new BotLoop(null, null, null, null, 7),
            fleet,
            1_000_000_000L,
            0f,
            false,
            0);

    @Test
    void eachChangeOfStateIsCountedAndARepeatChangesNothing() {
        for (final Bot.State state : List.of(
                Bot.State.CONNECTING,
                Bot.State.HANDSHAKE,
                Bot.State.ENTERING,
                Bot.State.IN_WORLD,
                Bot.State.REDIRECTING,
                Bot.State.HANDSHAKE,
                Bot.State.ENTERING,
                Bot.State.IN_WORLD,
                Bot.State.IN_WORLD,
                Bot.State.DONE)) {
            bot.transition(state, "test");
        }

        assertThat(bot.state()).isEqualTo(Bot.State.DONE);
        assertThat(bot.entries(Bot.State.CONNECTING)).isEqualTo(1);
        assertThat(bot.entries(Bot.State.HANDSHAKE)).isEqualTo(2);
        assertThat(bot.entries(Bot.State.IN_WORLD))
                .as("the repeat is no change")
                .isEqualTo(2);
        assertThat(bot.entries(Bot.State.REDIRECTING)).isEqualTo(1);
        assertThat(bot.entries(Bot.State.DONE)).isEqualTo(1);
        assertThat(bot.entries(Bot.State.NEW)).isZero();
    }

    @Test
    void aRedirectStartsTheConnectingPhaseAndEnteringTheWorldEndsIt() {
        inTheWorld();

        bot.redirect("127.0.0.1", 8086, token(), "main.36.g1");

        assertThat(bot.state()).isEqualTo(Bot.State.REDIRECTING);
        assertThat(bot.redirects).isEqualTo(1);
        final long phase = bot.phaseStartedNanos();
        assertThat(phase).isNotZero();
        bot.transition(Bot.State.HANDSHAKE, "connected");
        assertThat(bot.phaseStartedNanos())
                .as("the handshake goes on in the redirect's phase")
                .isEqualTo(phase);

        bot.welcome(2, new UnsafeBuffer(new byte[ClientProtocol.COOKIE_BYTES]), 0);
        bot.worldEntered(2, 36, -16f, -383f, 62f, 0f, 170f);

        assertThat(bot.state()).isEqualTo(Bot.State.IN_WORLD);
        assertThat(bot.phaseStartedNanos()).isZero();
        bot.tick(phase + ENTER_TIMEOUT_NANOS + 1);
        assertThat(bot.state()).as("no enter timeout in the world").isEqualTo(Bot.State.IN_WORLD);
        assertThat(fleet.failed()).isZero();
    }

    @Test
    void aBotThatDoesNotEnterTheWorldWithinItsPhaseGivesUp() {
        inTheWorld();
        bot.redirect("127.0.0.1", 8086, token(), "main.36.g1");
        final long phase = bot.phaseStartedNanos();

        bot.tick(phase + ENTER_TIMEOUT_NANOS);
        assertThat(bot.state()).isEqualTo(Bot.State.REDIRECTING);
        bot.tick(phase + ENTER_TIMEOUT_NANOS + 1);

        assertThat(bot.state()).isEqualTo(Bot.State.DONE);
        assertThat(bot.phaseStartedNanos()).isZero();
        assertThat(fleet.failed()).isEqualTo(1);
    }

    private void inTheWorld() {
        bot.transition(Bot.State.CONNECTING, "logged in");
        bot.transition(Bot.State.HANDSHAKE, "connected");
        bot.welcome(1, new UnsafeBuffer(new byte[ClientProtocol.COOKIE_BYTES]), 0);
        bot.worldEntered(1, 0, -8913f, 554f, 93f, 0f, 100f);
        assertThat(bot.state()).isEqualTo(Bot.State.IN_WORLD);
    }

    private static byte[] token() {
        return "token".getBytes(StandardCharsets.UTF_8);
    }
}
