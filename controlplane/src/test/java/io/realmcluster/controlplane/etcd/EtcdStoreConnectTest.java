package io.realmcluster.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.processes.FreePorts;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdStoreConnectTest {
    @Test
    void anUnreachableEtcdWithAShortDeadlineIsNamedNotAnInternalError() {
        final URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.find());
        for (final Duration deadline : List.of(Duration.ofMillis(100), Duration.ofMillis(500))) {
            assertThatThrownBy(() -> EtcdStore.connect(List.of(nowhere), deadline, new PrometheusRegistry()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot reach etcd at " + nowhere);
        }
    }
}
