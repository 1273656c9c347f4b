package io.realmcluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdExtensionTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void oneEtcdServesTheWholeClass(final EtcdProcess injected) throws Exception {
        assertThat(injected).isSameAs(ETCD.process());
        assertThat(ETCD.endpoint()).isEqualTo(injected.endpoint());

        EtcdHttp.put(ETCD.endpoint(), "/extension/key", "value");

        assertThat(EtcdHttp.get(ETCD.endpoint(), "/extension/key")).isEqualTo("value");
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
