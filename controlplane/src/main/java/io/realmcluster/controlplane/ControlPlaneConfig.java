package io.realmcluster.controlplane;

import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.net.HostPort;
import java.net.URI;
import java.time.Duration;
import java.util.List;

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
        Placement placement,
        Login login) {

    /** Settings of accounts and login; {@code dbUrl} null when the replica runs without a database. */
    public record Login(
            String dbUrl,
            DatabaseCredentials credentials,
            TokenSigner tokenSigner,
            Duration tokenTtl,
            boolean allowRegistration,
            int passwordIterations) {

        public Login {
            if (tokenTtl.isNegative() || tokenTtl.isZero()) {
                throw new IllegalArgumentException(
                        "--token-ttl must be at least 1 second, got " + tokenTtl.toSeconds());
            }
            if (passwordIterations < 1_000) {
                throw new IllegalArgumentException(
                        "--password-iterations must be at least 1000, got " + passwordIterations);
            }
        }

        /** A replica without a database: login and account commands are refused with the reason. */
        public static Login disabled() {
            return new Login(null, null, null, Duration.ofSeconds(60), false, 210_000);
        }
    }

    /** Settings of leadership and placement. */
    public record Placement(
            List<String> realms,
            Duration replicaLeaseTtl,
            Duration instanceIdleTimeout,
            String advertiseHost,
            boolean rebalanceContinents) {

        public static Placement defaults() {
            return new Placement(List.of("main"), Duration.ofSeconds(5), Duration.ofMinutes(5), null, false);
        }
    }
}
