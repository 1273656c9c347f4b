package io.realmcluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

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
    void zeroPortsIsAMistake() {
        assertThatThrownBy(() -> FreePorts.find(0)).hasMessageContaining("was 0");
    }
}
