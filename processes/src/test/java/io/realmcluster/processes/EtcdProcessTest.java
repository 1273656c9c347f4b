package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdProcessTest {
    @Test
    void startsHealthyAndServesTheV3Api() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            assertThat(etcd.isAlive()).isTrue();
            assertThat(etcd.endpoint()).isEqualTo("http://127.0.0.1:" + etcd.clientPort());

            EtcdHttp.put(etcd.endpoint(), "/realm/greeting", "hello");

            assertThat(EtcdHttp.get(etcd.endpoint(), "/realm/greeting")).isEqualTo("hello");
            assertThat(EtcdHttp.get(etcd.endpoint(), "/realm/absent")).isNull();
        }
    }

    @Test
    void autoCompactionIsPassedToEtcd() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.builder().autoCompaction("1h").start()) {
            final String log = Files.readString(etcd.logFile());
            assertThat(log)
                    .contains("\"auto-compaction-mode\":\"periodic\"")
                    .contains("\"auto-compaction-retention\":\"1h");
        }
    }

    @Test
    void killedEtcdRestartsOnTheSamePortWithItsData() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            final String endpoint = etcd.endpoint();
            EtcdHttp.put(endpoint, "/realm/survivor", "still here");

            etcd.kill();

            assertThat(etcd.isAlive()).isFalse();
            assertThatThrownBy(() -> EtcdHttp.get(endpoint, "/realm/survivor")).isInstanceOf(ConnectException.class);

            etcd.restart();

            assertThat(etcd.isAlive()).isTrue();
            assertThat(etcd.endpoint()).isEqualTo(endpoint);
            assertThat(EtcdHttp.get(endpoint, "/realm/survivor")).isEqualTo("still here");
        }
    }

    @Test
    void stopEndsTheProcessAndDeletesItsData() throws IOException {
        final EtcdProcess etcd = EtcdProcess.start();
        final Path data = etcd.dataDirectory();
        assertThat(data).isDirectory();

        etcd.stop();

        assertThat(etcd.isAlive()).isFalse();
        assertThat(data).doesNotExist();
        assertThatThrownBy(etcd::restart).hasMessageContaining("was stopped");
    }

    @Test
    void missingBinarySaysWhatToInstall(@TempDir final Path emptyDirectory) throws IOException {
        Files.createDirectories(emptyDirectory.resolve("bin"));

        assertThatThrownBy(() ->
                        EtcdProcess.findBinary(emptyDirectory.resolve("bin").toString()))
                .hasMessageContaining("etcd is not on PATH")
                .hasMessageContaining("apt-get install -y etcd-server");
    }
}
