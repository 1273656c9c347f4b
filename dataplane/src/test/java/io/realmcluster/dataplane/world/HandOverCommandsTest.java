package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hand-over commands reach a map through its ingress ring, once per change, and a full ring leaves them for the next call. */
class HandOverCommandsTest {
    private final Ingress ingress = Ingress.allocate(4096);
    private final HandOverCommands commands = new HandOverCommands(TimeUnit.MILLISECONDS.toNanos(20));

    @Test
    void aMapHearsEachChangeOnceAndNothingWhileItKeepsItsPlayers() {
        assertThat(commands.handOver("main.0", ingress, 0)).isTrue();
        assertThat(drained()).as("a map keeps its players from the start").isEmpty();

        commands.handOver("main.0", ingress, 12);
        commands.handOver("main.0", ingress, 12);
        commands.handOver("main.0", ingress, 13);
        commands.handOver("main.0", ingress, 0);
        commands.handOver("main.0", ingress, 0);

        assertThat(drained()).containsExactly("start 12", "start 13", "stop");
    }

    @Test
    void aCommandAFullRingRefusesIsSentByTheNextCall() {
        final RingClaim claim = new RingClaim();
        // Records of every size down to the smallest, so that not even a command's fits.
        for (int length = Inputs.MOVE_LENGTH; length >= 0; length -= 8) {
            while (ingress.claim(claim, Inputs.MOVE, length).claimed()) {
                claim.commit();
            }
        }

        assertThat(commands.handOver("main.0", ingress, 12)).isFalse();
        drained();
        assertThat(commands.handOver("main.0", ingress, 12)).isTrue();

        assertThat(drained()).containsExactly("start 12");
    }

    @Test
    void anInstanceForgottenAndLoadedAgainIsToldAfresh() {
        commands.handOver("main.0", ingress, 12);
        commands.forget("main.0");
        commands.handOver("main.0", ingress, 12);

        assertThat(drained()).containsExactly("start 12", "start 12");
    }

    /** The hand-over commands in the ring, in order, as text; other inputs are dropped. */
    private List<String> drained() {
        final List<String> commands = new ArrayList<>();
        ingress.drain(
                (type, buffer, index, length) -> {
                    if (type == Inputs.HAND_OVER_START) {
                        assertThat(Inputs.wellFormed(type, buffer, index, length))
                                .isTrue();
                        commands.add("start " + buffer.getLong(index + Inputs.HAND_OVER_EPOCH));
                    } else if (type == Inputs.HAND_OVER_STOP) {
                        assertThat(Inputs.wellFormed(type, buffer, index, length))
                                .isTrue();
                        commands.add("stop");
                    }
                },
                Integer.MAX_VALUE);
        return commands;
    }
}
