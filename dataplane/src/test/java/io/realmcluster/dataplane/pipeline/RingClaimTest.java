package io.realmcluster.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingClaimTest {
    private final Ingress ingress = Ingress.allocate(4096);
    private final RingClaim claim = new RingClaim();

    @Test
    void anEncoderThatThrowsAfterTheClaimDoesNotStallTheRing() {
        assertThatThrownBy(() -> {
                    try (RingClaim c = ingress.claim(claim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
                        assertThat(c.claimed()).isTrue();
                        throw new IllegalStateException("encoder failed");
                    }
                })
                .hasMessage("encoder failed");

        writeMove(42);

        assertThat(drainedEntities()).containsExactly(42L);
    }

    @Test
    void aClaimLeftOpenWithoutCloseIsRefusedOnReuse() {
        ingress.claim(claim, Inputs.MOVE, Inputs.MOVE_LENGTH);

        assertThatThrownBy(() -> ingress.claim(claim, Inputs.MOVE, Inputs.MOVE_LENGTH))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still open");
    }

    @Test
    void committedMessagesArriveInOrderAndAFullRingRefusesWithoutAClaim() {
        int written = 0;
        while (writeMove(written + 1)) {
            written++;
        }

        assertThat(written).isGreaterThan(10);
        try (RingClaim c = ingress.claim(claim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
            assertThat(c.claimed()).isFalse();
        }
        final List<Long> drained = drainedEntities();
        assertThat(drained).hasSize(written);
        assertThat(drained.get(0)).isEqualTo(1L);
        assertThat(drained.get(written - 1)).isEqualTo(written);
    }

    private boolean writeMove(final long entity) {
        try (RingClaim c = ingress.claim(claim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
            if (!c.claimed()) {
                return false;
            }
            Inputs.encodeMove(c.buffer(), c.index(), entity, 1, 1f, 2f, 3f, 0f, 0);
            c.commit();
            return true;
        }
    }

    private List<Long> drainedEntities() {
        final List<Long> entities = new ArrayList<>();
        ingress.drain((type, buffer, index, length) -> entities.add(Inputs.entity(buffer, index)), 1_000);
        return entities;
    }
}
