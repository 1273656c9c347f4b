package io.realmcluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.processes.EtcdProcess;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdExtensionTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void oneEtcdServesTheWholeClass(final EtcdProcess injected) {
        assertThat(injected).isSameAs(ETCD.process());
        assertThat(ETCD.endpoint()).isEqualTo(injected.endpoint());
        // EtcdProcess.start() returns a healthy etcd; reads and writes are EtcdProcessTest's subject.
        assertThat(injected.isAlive()).isTrue();
    }

    @Nested
    class NestedClass {
        @Test
        void seesTheOuterClassEtcd(final EtcdProcess injected) {
            assertThat(injected).isSameAs(ETCD.process());
            assertThat(injected.isAlive()).isTrue();
        }
    }
}
