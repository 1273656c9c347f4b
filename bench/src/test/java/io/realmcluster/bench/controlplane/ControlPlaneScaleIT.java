package io.realmcluster.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The control-plane scale harness at its smallest size, with the real processes it runs (etcd, two
 * control-plane replicas) and real NodeLink streams: every simulated node registers, every instance runs,
 * churn places without a failure, a killed node's instances all run elsewhere or close, and the other
 * replica places after the leader's SIGKILL.
 */
class ControlPlaneScaleIT {
    @Test
    void theSmallestSizeRunsEveryStep() throws Exception {
        final ControlPlaneScaleBench bench = new ControlPlaneScaleBench();
        bench.windowSeconds = 3;
        bench.createsPerSecond = 10;
        bench.kills = 1;
        bench.realms = 1;
        bench.heap = "256m";
        final ScaleRow row = bench.run(6, 5);

        assertThat(row.instances()).isEqualTo(30);
        assertThat(row.window().creates().getTotalCount())
                .as("creates answered")
                .isEqualTo(30);
        assertThat(row.window().failed()).as("creates refused").isZero();
        assertThat(row.window().heartbeatsPerSecond())
                .as("heartbeats of 6 nodes at 1 s")
                .isBetween(3.0, 12.0);
        assertThat(row.window().writesPerSecond())
                .as("etcd writes: the churn alone is 10 a second")
                .isPositive();
        assertThat(row.reassigned() + row.closed())
                .as("the killed node's instances, each accounted for")
                .isPositive();
        assertThat(row.handled().getMaxValue())
                .as("every one handled (microseconds)")
                .isLessThan(60_000_000L);
        assertThat(row.failoverPlacedMs())
                .as("the other replica placed after the leader's kill")
                .isBetween(1.0, 60_000.0);
    }
}
