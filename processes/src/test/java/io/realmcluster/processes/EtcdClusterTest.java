package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three etcd members started together on loopback: one killed, the other two serve, the killed one rejoins. */
class EtcdClusterTest {
    private final List<EtcdProcess> members = new ArrayList<>();

    @AfterEach
    void stopMembers() {
        members.forEach(EtcdProcess::stop);
    }

    @Test
    void aKilledMemberLeavesAQuorumThatServesAndRejoinsWithItsData() throws Exception {
        final Map<String, Integer> peers = peerPorts("a", "b", "c");
        members.addAll(EtcdProcess.startCluster(peers.keySet().stream()
                .map(name -> EtcdProcess.builder().member(name, peers, "etcd-cluster-test"))
                .toList()));
        final EtcdProcess first = members.get(0);
        final EtcdProcess killed = members.get(1);
        final EtcdProcess third = members.get(2);
        EtcdHttp.put(first.endpoint(), "/realm/before", "written by a");
        assertThat(EtcdHttp.get(third.endpoint(), "/realm/before")).isEqualTo("written by a");

        killed.kill();

        assertThat(killed.isAlive()).isFalse();
        // Two of three are a quorum: writes go on through either, once a leader is elected if b led.
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(() -> EtcdHttp.put(third.endpoint(), "/realm/during", "written by c"));
        assertThat(EtcdHttp.get(first.endpoint(), "/realm/during")).isEqualTo("written by c");

        killed.restartWithoutWaiting();

        await().atMost(Duration.ofSeconds(10)).until(killed::healthy);
        assertThat(EtcdHttp.get(killed.endpoint(), "/realm/before")).isEqualTo("written by a");
        assertThat(EtcdHttp.get(killed.endpoint(), "/realm/during")).isEqualTo("written by c");
    }

    @Test
    void aMemberNamesItselfAndEveryPeerWithEtcdsOwnTimers() {
        final Map<String, Integer> peers = peerPorts("etcd-1", "etcd-2", "etcd-3");
        final EtcdProcess member = EtcdProcess.create(
                EtcdProcess.builder().member("etcd-2", peers, "realm").metricsPort(2484));
        members.add(member);

        final String command = String.join(" ", member.command());

        assertThat(member.peerPort()).isEqualTo(peers.get("etcd-2"));
        assertThat(member.healthUrl()).isEqualTo("http://127.0.0.1:2484/health");
        assertThat(command)
                .contains("--name etcd-2 ")
                .contains("--initial-advertise-peer-urls http://127.0.0.1:" + peers.get("etcd-2"))
                .contains(
                        "--initial-cluster etcd-1=http://127.0.0.1:" + peers.get("etcd-1") + ",etcd-2=http://127.0.0.1:"
                                + peers.get("etcd-2") + ",etcd-3=http://127.0.0.1:" + peers.get("etcd-3") + " ")
                .contains("--initial-cluster-state new --initial-cluster-token realm")
                .contains("--heartbeat-interval 100 --election-timeout 1000")
                .contains("--listen-metrics-urls http://127.0.0.1:2484");
    }

    @Test
    void aSingleEtcdKeepsItsFastTimersAndNoClusterFlags() {
        final EtcdProcess single = EtcdProcess.create(EtcdProcess.builder());
        members.add(single);

        final String command = String.join(" ", single.command());

        assertThat(single.name()).isEqualTo("n1");
        assertThat(command)
                .contains("--initial-cluster n1=http://127.0.0.1:" + single.peerPort() + " ")
                .contains("--heartbeat-interval 10 --election-timeout 100")
                .doesNotContain("--initial-cluster-state", "--initial-cluster-token", "--listen-metrics-urls");
    }

    @Test
    void aMemberMustBeAmongTheClustersMembers() {
        final Map<String, Integer> peers = peerPorts("a", "b");

        assertThatThrownBy(() -> EtcdProcess.builder().member("z", peers, "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("z is not among the cluster's members [a, b]");
        assertThatThrownBy(() -> EtcdProcess.startCluster(List.of(EtcdProcess.builder())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Builder.member");
    }

    private static Map<String, Integer> peerPorts(final String... names) {
        final int[] ports = FreePorts.find(names.length);
        final Map<String, Integer> peers = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            peers.put(names[i], ports[i]);
        }
        return peers;
    }
}
