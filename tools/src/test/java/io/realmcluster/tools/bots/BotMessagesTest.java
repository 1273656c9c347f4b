package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A battleground bot reads BATTLEGROUND_STATE frames as the node encodes them: the phase and the score. */
class BotMessagesTest {
    private static final int WSG_MAP = 489;

    private final BotFleet fleet = new BotFleet(new BotConfig(
            List.of(HostPort.parse("127.0.0.1:1")), 1, Duration.ZERO, "main", "abcd", 1, 1, Duration.ofSeconds(10)));
    private final BotLoop loop = new BotLoop(null, null, null, null, 7);
    private final Bot bot =
            new Bot(0, "abcdbot0", "secret", "Abcdbota", loop, fleet, 1_000_000_000L, 0f, false, 0, true);
    private final BotMessages messages = new BotMessages(bot, null, loop, fleet);

    @Test
    void theBotTakesThePhaseAndTheScoreFromTheNodesFrames() {
        bot.transition(Bot.State.CONNECTING, "logged in");
        bot.transition(Bot.State.HANDSHAKE, "connected");
        bot.welcome(1, new UnsafeBuffer(new byte[ClientProtocol.COOKIE_BYTES]), 0);
        bot.worldEntered(1, WSG_MAP, 1523f, 1481f, 352f, 0f, 250f);
        assertThat(bot.battleground.step()).isEqualTo(BotBattleground.Step.IN_BATTLEGROUND);
        assertThat(bot.battleground.phase()).isEqualTo(BotBattleground.PHASE_UNKNOWN);

        messages.decode(Unpooled.wrappedBuffer(state(BotBattleground.PHASE_PREPARATION, 0, 0, 0)));
        assertThat(bot.battleground.phase()).isEqualTo(BotBattleground.PHASE_PREPARATION);
        messages.decode(Unpooled.wrappedBuffer(state(BotBattleground.PHASE_RUNNING, 0, 2, 1)));
        assertThat(bot.battleground.phase()).isEqualTo(BotBattleground.PHASE_RUNNING);
        messages.decode(Unpooled.wrappedBuffer(state(BotBattleground.PHASE_ENDED, BotBattleground.ALLIANCE, 3, 1)));
        assertThat(bot.battleground.phase()).isEqualTo(BotBattleground.PHASE_ENDED);
        assertThat(bot.battleground.score()).containsExactly(3L, 1L);
    }

    /** A Warsong Gulch's BATTLEGROUND_STATE with both flags at their bases, as the node encodes it. */
    private static byte[] state(final int phase, final int winner, final int alliance, final int horde) {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        int length =
                ServerMessages.battlegroundStateHeader(out, 0, WSG_MAP, phase, winner, alliance, horde, 10, 10, 0, 2);
        for (int side = 1; side <= 2; side++) {
            length += ServerMessages.battlegroundObjective(out, length, 0, side, 0, 0f, 0f, 0, 0);
        }
        return Arrays.copyOf(out.byteArray(), length);
    }
}
