package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.net.HostPort;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {
    @TempDir
    Path run;

    @Test
    void aVerbFindsTheControlPlaneTheLauncherWrote() {
        ClusterFile.write(run, HostPort.parse("127.0.0.1:7701"), 3);

        final ClusterFile read = ClusterFile.read(run);

        assertThat(read.controlPlane()).isEqualTo(HostPort.parse("127.0.0.1:7701"));
        assertThat(read.nodes()).isEqualTo(3);
    }

    @Test
    void aRunDirectoryWithoutALauncherSaysSo() {
        assertThatThrownBy(() -> ClusterFile.read(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no local cluster has run in " + run)
                .hasMessageContaining("start bin/local-cluster first");
    }
}
