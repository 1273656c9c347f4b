package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortsTest {
    private static final int MOST_NODES = 9;
    private static final int MOST_ETCD_MEMBERS = 3;

    @Test
    void aSingleEtcdKeepsItsPortsAndEachFurtherMemberTakesTheNextThree() {
        final LocalPorts ports = new LocalPorts(0);

        assertThat(List.of(ports.etcdClient(1), ports.etcdPeer(1), ports.etcdMetrics(1)))
                .containsExactly(2479, 2480, 2481);
        assertThat(List.of(ports.etcdClient(2), ports.etcdPeer(2), ports.etcdMetrics(2)))
                .containsExactly(2482, 2483, 2484);
        assertThat(List.of(ports.etcdClient(3), ports.etcdPeer(3), ports.etcdMetrics(3)))
                .containsExactly(2485, 2486, 2487);
        assertThat(new LocalPorts(300).etcdPeer(3)).isEqualTo(2786);
    }

    @Test
    void theLargestClusterUsesEveryPortOnce() {
        final List<Integer> all = new LocalPorts(0).all(MOST_NODES, MOST_ETCD_MEMBERS);

        assertThat(all).doesNotHaveDuplicates().hasSize(3 * MOST_ETCD_MEMBERS + 4 + 3 * MOST_NODES);
    }

    @Test
    void clustersWhoseOffsetsDifferBy20To600ShareNoPort() {
        final Set<Integer> first = new HashSet<>(new LocalPorts(0).all(MOST_NODES, MOST_ETCD_MEMBERS));
        for (int offset = 20; offset <= 600; offset++) {
            assertThat(new LocalPorts(offset).all(MOST_NODES, MOST_ETCD_MEMBERS))
                    .as("offset %d", offset)
                    .doesNotContainAnyElementsOf(first);
        }
    }
}
