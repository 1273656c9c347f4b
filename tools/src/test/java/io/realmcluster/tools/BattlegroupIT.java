package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.EtcdExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An operator sets battlegroups with realmctl against a real control plane and etcd. */
class BattlegroupIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Binaries binaries;

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/battlegroup-it-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void anOperatorSetsListsAndDeletesBattlegroupsAndARealmIsInOneAtMost() {
        final HostPort cp = Binaries.freeAddress();
        binaries.controlPlane("cp-1", cp.port(), "--realms", "main,second,third");

        assertThat(run(cp, 0, "set", "battlegroup", "ruin", "--realms", "main,second"))
                .contains("battlegroup/ruin set: main, second");
        assertThat(run(cp, 0, "get", "battlegroups")).contains("ruin", "main,second");

        // A realm in another battlegroup, an unknown realm, a malformed name: refused, nothing changed.
        assertThat(run(cp, 1, "set", "battlegroup", "other", "--realms", "third,second"))
                .contains("realm second is in battlegroup ruin");
        assertThat(run(cp, 1, "set", "battlegroup", "other", "--realms", "atlantis"))
                .contains("unknown realm 'atlantis'");
        assertThat(run(cp, 1, "set", "battlegroup", "Other", "--realms", "third"))
                .contains("lower-case letters, digits and dashes");
        assertThat(run(cp, 0, "get", "battlegroups", "-o", "json"))
                .contains("\"ruin\"")
                .doesNotContain("other", "Other");

        assertThat(run(cp, 0, "delete", "battlegroup", "ruin")).contains("battlegroup/ruin deleted");
        assertThat(run(cp, 1, "delete", "battlegroup", "ruin")).contains("no battlegroup 'ruin'");
        // Its realms are free again.
        assertThat(run(cp, 0, "set", "battlegroup", "other", "--realms", "third,second"))
                .contains("battlegroup/other set: third, second");
    }

    /** realmctl's output, after checking it exited with {@code status}. */
    private String run(final HostPort cp, final int status, final String... args) {
        final JavaProcess realmctl = binaries.realmctl(cp, args);
        assertThat(realmctl.waitForExit(DEADLINE)).as(realmctl.output()).isEqualTo(status);
        return realmctl.output();
    }
}
