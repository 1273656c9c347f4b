package io.realmcluster.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The connections a partition drops by port: the node's own, as {@code ss -tnpH} lists them. */
class PartitionTest {
    @Test
    void theNodesEstablishedConnectionsToThePortAreFoundByItsPids() {
        final String ss = String.join(
                "\n",
                "0      0      127.0.0.1:45678 127.0.0.1:7401 users:((\"java\",pid=4242,fd=56))",
                "0      0      127.0.0.1:45679 127.0.0.1:7401 users:((\"java\",pid=5151,fd=12))",
                "0      0      [::ffff:127.0.0.1]:40001 [::ffff:127.0.0.1]:7401 users:((\"java\",pid=4242,fd=60))",
                "0      0      127.0.0.1:45680 127.0.0.1:7401",
                "");
        assertThat(Partition.parseOpenPorts(ss, List.of(4240L, 4242L))).containsExactly(45678, 40001);
        assertThat(Partition.parseOpenPorts("", List.of(4242L))).isEmpty();
    }
}
