package io.realmcluster.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.net.QueueDesk;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import io.realmcluster.proto.v1.QueueStatusResponse;
import io.realmcluster.proto.v1.QueuedPlayer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A player transferred into a battleground whose client never came: its seat runs the disconnect grace. */
class NoShowInMatchTest {
    private static final long NOW = 1_800_000_000_000L;

    /** The desk's disconnect reports, as "realm id match away at". */
    private final List<String> reports = new ArrayList<>();

    private final QueueDesk desk = new QueueDesk() {
        @Override
        public CompletableFuture<QueueStatusResponse> join(final QueuedPlayer player, final int battleground) {
            throw new AssertionError("no join");
        }

        @Override
        public CompletableFuture<QueueStatusResponse> leave(
                final String realm, final long characterId, final int battleground) {
            throw new AssertionError("no leave");
        }

        @Override
        public CompletableFuture<QueueStatusResponse> status(final String realm, final long characterId) {
            throw new AssertionError("no status");
        }

        @Override
        public CompletableFuture<Void> away(final String realm, final long characterId, final boolean away) {
            throw new AssertionError("no away");
        }

        @Override
        public CompletableFuture<AnswerInviteResponse> answer(
                final String realm, final long characterId, final String matchId, final boolean accept) {
            throw new AssertionError("no answer");
        }

        @Override
        public CompletableFuture<Void> disconnected(
                final String realm,
                final long characterId,
                final String matchId,
                final boolean away,
                final long atMillis) {
            reports.add(realm + " " + characterId + " " + matchId + " " + away + " " + atMillis);
            return CompletableFuture.completedFuture(null);
        }
    };

    private static ClaimedCharacter garrosh(final ClaimedCharacter.BattlegroundEntry entry) {
        return new ClaimedCharacter(
                77,
                7,
                3,
                5,
                10,
                "second",
                "Garrosh",
                2,
                1,
                60,
                0,
                0,
                489,
                "main.489.m1",
                933f,
                1433f,
                345f,
                0f,
                0,
                entry);
    }

    private static Arrivals.Arrival arrival(final ClaimedCharacter claim, final byte team) {
        return new Arrivals.Arrival(
                claim, claim.instanceId(), 1f, 2f, 3f, 0f, NOW - 1, NOW - 60_000, new byte[0], team);
    }

    @Test
    void aNoShowIntoAMatchIsReportedAwaySoItsSeatRunsTheGrace() {
        final ClaimedCharacter.BattlegroundEntry entry =
                new ClaimedCharacter.BattlegroundEntry("m1", 0, "main.0", 1f, 2f, 3f, 0f);

        assertThat(Node.noShowInMatch(desk, arrival(garrosh(entry), (byte) 2), NOW))
                .isTrue();

        assertThat(reports).containsExactly("second 7 m1 true " + NOW);
    }

    @Test
    void aNoShowAnywhereElseReportsNothing() {
        assertThat(Node.noShowInMatch(desk, arrival(garrosh(null), (byte) 0), NOW))
                .isFalse();
        final ClaimedCharacter.BattlegroundEntry entry =
                new ClaimedCharacter.BattlegroundEntry("m1", 0, "main.0", 1f, 2f, 3f, 0f);
        assertThat(Node.noShowInMatch(desk, arrival(garrosh(entry), (byte) 0), NOW))
                .as("not an arrival into a battleground's team")
                .isFalse();
        assertThat(reports).isEmpty();
    }
}
