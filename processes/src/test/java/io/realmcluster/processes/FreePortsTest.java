package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsAreDistinctAndBindable() throws Exception {
        final int[] ports = FreePorts.find(8);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(8);
        for (final int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortIsNeverGivenOutTwice() {
        final int first = FreePorts.find();
        for (int i = 0; i < 50; i++) {
            assertThat(FreePorts.find()).isNotEqualTo(first);
        }
    }

    @Test
    void portsComeFromBelowTheKernelsEphemeralRangeWhereItLeavesRoom() {
        Assumptions.assumeTrue(FreePorts.EPHEMERAL_LOW >= 21_000, "the ephemeral range leaves no room below it here");
        for (final int port : FreePorts.find(20)) {
            assertThat(port).isBetween(20_000, FreePorts.EPHEMERAL_LOW - 1);
        }
    }

    @Test
    void zeroPortsIsAMistake() {
        assertThatThrownBy(() -> FreePorts.find(0)).hasMessageContaining("was 0");
    }
}
