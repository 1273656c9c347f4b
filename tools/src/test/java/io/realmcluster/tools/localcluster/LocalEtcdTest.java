package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEtcdTest {
    @TempDir
    Path run;

    @Test
    void aSingleEtcdKeepsTheNamesAndDirectoryOfEarlierRuns() {
        final LocalEtcd single = new LocalEtcd(1);

        assertThat(single.names()).containsExactly("etcd");
        assertThat(single.directory(run, 1)).isEqualTo(run.resolve("etcd"));
        assertThat(single.describe(run, new LocalPorts(0)))
                .isEqualTo("etcd on 127.0.0.1:2479 (TLS, data in " + run.resolve("etcd") + ")");
    }

    @Test
    void threeMembersAreNumberedWithADirectoryEach() {
        final LocalEtcd three = new LocalEtcd(3);

        assertThat(three.names()).containsExactly("etcd-1", "etcd-2", "etcd-3");
        assertThat(three.directory(run, 3)).isEqualTo(run.resolve("etcd-3"));
        assertThat(three.describe(run, new LocalPorts(300)))
                .startsWith("3 etcd members etcd-1, etcd-2, etcd-3 on 127.0.0.1:2779, 2782, 2785 (TLS;")
                .endsWith("data in " + run.resolve("etcd-1") + ", " + run.resolve("etcd-2") + ", "
                        + run.resolve("etcd-3") + ")");
    }

    @Test
    void onlyOneOrThreeMembers() {
        for (final int members : new int[] {0, 2, 4, 5}) {
            assertThatThrownBy(() -> new LocalEtcd(members))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--etcd-members must be 1 or 3, got " + members);
        }
    }

    @Test
    void aRunDirectoryWithTheOtherLayoutsDataIsRefused() throws Exception {
        new LocalEtcd(3).requireLayoutOf(run);
        Files.createDirectories(run.resolve("etcd").resolve("data"));

        new LocalEtcd(1).requireLayoutOf(run);
        assertThatThrownBy(() -> new LocalEtcd(3).requireLayoutOf(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds the data of a single etcd")
                .hasMessageContaining("run with --etcd-members 1, or add --fresh");
    }
}
