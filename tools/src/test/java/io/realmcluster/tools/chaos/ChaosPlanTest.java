package io.realmcluster.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {
    @Test
    void everyFaultOnceARoundInAnOrderTheSeedReplays() {
        final List<Fault> all = List.of(Fault.values());
        final List<Fault> first = draw(new ChaosPlan(all, 42), 3 * all.size());
        assertThat(first).isEqualTo(draw(new ChaosPlan(all, 42), 3 * all.size()));
        for (int round = 0; round < 3; round++) {
            assertThat(first.subList(round * all.size(), (round + 1) * all.size()))
                    .containsExactlyInAnyOrderElementsOf(all);
        }
        assertThat(first).isNotEqualTo(draw(new ChaosPlan(all, 43), 3 * all.size()));
    }

    @Test
    void labelsNameTheFaultsAndAnUnknownOneListsThem() {
        assertThat(Fault.of("node-kill")).isEqualTo(Fault.NODE_KILL);
        assertThat(Fault.of(" ETCD-KILL ")).isEqualTo(Fault.ETCD_KILL);
        assertThat(Fault.of("etcd-member-kill")).isEqualTo(Fault.ETCD_MEMBER_KILL);
        assertThatThrownBy(() -> Fault.of("meteor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgres-pause");
        assertThatThrownBy(() -> new ChaosPlan(List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Fault> draw(final ChaosPlan plan, final int count) {
        final List<Fault> drawn = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            drawn.add(plan.next());
        }
        return drawn;
    }
}
