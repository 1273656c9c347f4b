package io.realmcluster.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.EntryCallOffs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A player transferred into a battleground whose client never came: its seat is given back as never entered. */
class NoShowInMatchTest {
    private static final long NOW = 1_800_000_000_000L;

    /** The call-offs told, as "realm id match transfer". */
    private final List<String> calledOff = new ArrayList<>();

    private final EntryCallOffs callOffs = (realm, characterId, matchId, transferId, reason) ->
            calledOff.add(realm + " " + characterId + " " + matchId + " " + transferId);

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
                claim, claim.instanceId(), 1f, 2f, 3f, 0f, NOW - 1, NOW - 60_000, new byte[0], team, "transfer-1");
    }

    private static final ClaimedCharacter.BattlegroundEntry ENTRY =
            new ClaimedCharacter.BattlegroundEntry("m1", 0, "main.0", 1f, 2f, 3f, 0f);

    @Test
    void aNoShowIntoAMatchGivesItsSeatBack() {
        assertThat(Node.noShowInMatch(callOffs, arrival(garrosh(ENTRY), (byte) 2)))
                .isTrue();

        assertThat(calledOff).containsExactly("second 7 m1 transfer-1");
    }

    @Test
    void aNoShowAnywhereElseTellsNobody() {
        assertThat(Node.noShowInMatch(callOffs, arrival(garrosh(null), (byte) 0)))
                .isFalse();
        assertThat(Node.noShowInMatch(callOffs, arrival(garrosh(ENTRY), (byte) 0)))
                .as("not an arrival into a battleground's team")
                .isFalse();
        assertThat(calledOff).isEmpty();
    }
}
