package io.realmcluster.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.tools.localcluster.LocalEtcd;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    @Test
    void anEtcdMemberKillNeedsMembersAndIsSkippedWithASingleEtcd() {
        assertThat(FaultInjector.unavailable(Fault.ETCD_MEMBER_KILL, new LocalEtcd(1)))
                .contains("single member")
                .contains("--etcd-members 3");
        assertThat(FaultInjector.unavailable(Fault.ETCD_MEMBER_KILL, new LocalEtcd(3)))
                .isNull();
    }

    @Test
    void etcdsWholeKillAndPauseRunWithOneMemberOrThree() {
        for (final int members : new int[] {1, 3}) {
            assertThat(FaultInjector.unavailable(Fault.ETCD_KILL, new LocalEtcd(members)))
                    .isNull();
            assertThat(FaultInjector.unavailable(Fault.ETCD_PAUSE, new LocalEtcd(members)))
                    .isNull();
        }
        // The partition's own needs (root, iptables, cgroup v2): the machine's, not the cluster's.
        assertThat(FaultInjector.unavailable(Fault.NODE_PARTITION, new LocalEtcd(3)))
                .isEqualTo(Partition.unavailable());
    }
}
