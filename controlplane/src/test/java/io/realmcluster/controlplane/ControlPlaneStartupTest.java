package io.realmcluster.controlplane;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.testkit.EtcdExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A replica that cannot start says what and where in one line. */
class ControlPlaneStartupTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void unreachableEtcdIsNamedInTheError() {
        final String etcd = "http://127.0.0.1:" + FreePorts.find();
        assertThatThrownBy(() ->
                        new ControlPlane(config(List.of(URI.create(etcd)), HostPort.parse("127.0.0.1:0"))).start())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot reach etcd at " + etcd);
    }

    @Test
    void portInUseIsNamedInTheError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final HostPort listen = HostPort.parse("127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> new ControlPlane(config(List.of(URI.create(ETCD.endpoint())), listen)).start())
                    .isInstanceOf(StartupException.class)
                    .hasMessage("cannot listen for players (--listen) on " + listen + ": address already in use");
        }
    }

    private static ControlPlaneConfig config(final List<URI> etcd, final HostPort listen) {
        return new ControlPlaneConfig(
                "cp-test",
                etcd,
                "/startup-test",
                Duration.ofMillis(1500),
                listen,
                HostPort.parse("127.0.0.1:0"),
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                ControlPlaneConfig.Placement.defaults(),
                ControlPlaneConfig.Login.disabled());
    }
}
