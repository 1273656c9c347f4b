package io.realmcluster.controlplane;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.realmcluster.common.net.HostPort;

/** Settings of one control-plane replica, as parsed from its command line. */
public record ControlPlaneConfig(
    String id,
    List<URI> etcdEndpoints,
    String etcdPrefix,
    Duration etcdTimeout,
    HostPort listen,
    HostPort metricsListen,
    Duration nodeLeaseTtl,
    Duration heartbeatInterval,
    Placement placement) {

    /** Settings of leadership and placement. */
    public record Placement(
        List<String> realms,
        Duration replicaLeaseTtl,
        Duration instanceIdleTimeout,
        String advertiseHost) {

        public static Placement defaults() {
            return new Placement(List.of("main"), Duration.ofSeconds(5), Duration.ofMinutes(5), null);
        }
    }
}
