package io.realmcluster.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.net.HostPort;
import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesHostsPortsAndBracketedIpv6() {
        assertThat(HostPort.parse("127.0.0.1:7400")).isEqualTo(new HostPort("127.0.0.1", 7400));
        assertThat(HostPort.parse(" realm-cp-1.example:0 ")).isEqualTo(new HostPort("realm-cp-1.example", 0));
        assertThat(HostPort.parse("[::1]:7400")).isEqualTo(new HostPort("::1", 7400));
        assertThat(HostPort.parse("[::1]:7400").toString()).isEqualTo("[::1]:7400");
    }

    @Test
    void parsesListsInOrder() {
        assertThat(HostPort.parseList("a:1,b:2, c:3"))
                .containsExactly(new HostPort("a", 1), new HostPort("b", 2), new HostPort("c", 3));
    }

    @Test
    void badAddressesSayWhatIsWrongAndQuoteTheInput() {
        assertThatThrownBy(() -> HostPort.parse("localhost"))
                .hasMessageContaining("HOST:PORT")
                .hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> HostPort.parse("h:port")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> HostPort.parse("h:70000"))
                .hasMessageContaining("out of range")
                .hasMessageContaining("'h:70000'");
        assertThatThrownBy(() -> HostPort.parse("::1:80")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parseList(" , ")).hasMessageContaining("HOST:PORT");
    }
}
