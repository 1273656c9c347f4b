package io.realmcluster.controlplane;

import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.cli.Daemon;
import io.realmcluster.common.cli.Logging;
import io.realmcluster.common.cli.StandardOptions;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.db.RealmDatabaseOptions;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsOptions;
import io.realmcluster.controlplane.etcd.EtcdTlsOptions;
import io.realmcluster.controlplane.login.LoginOptions;
import io.realmcluster.controlplane.placement.AutoSplit;
import io.realmcluster.proto.world.Cells;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code controlplane} binary. */
@Command(
        name = "controlplane",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "A control-plane replica of the realm cluster: serves gRPC to nodes and operators in front of etcd.",
            "Run 2 or 3 replicas against the same etcd for high availability; nodes and realmctl fail over between them."
        },
        footer = {
            "",
            "Environment: REALM_DB_USER, REALM_DB_PASSWORD (or --db-password-file), REALM_DB_USER_<REALM>,",
            "REALM_DB_PASSWORD_<REALM> (or --realm-db-password-file), REALM_TLS_CA, REALM_TLS_CERT,",
            "REALM_TLS_KEY, REALM_LOG_LEVEL."
        })
public final class ControlPlaneMain implements Callable<Integer> {

    @Option(
            names = "--etcd",
            paramLabel = "URL[,URL...]",
            split = ",",
            defaultValue = "http://127.0.0.1:2379",
            description = "etcd client URLs; https:// ones need --etcd-ca, --etcd-cert and --etcd-key "
                    + "(default: ${DEFAULT-VALUE}).")
    List<URI> etcd;

    @Option(
            names = "--etcd-prefix",
            paramLabel = "PATH",
            defaultValue = "/realmcluster",
            description = "Key prefix of this cluster in etcd (default: ${DEFAULT-VALUE}).")
    String etcdPrefix;

    @Option(
            names = "--etcd-timeout",
            paramLabel = "MILLIS",
            defaultValue = "3000",
            description = "Deadline of every etcd call in milliseconds (default: ${DEFAULT-VALUE}).")
    long etcdTimeoutMillis;

    @Option(
            names = "--etcd-startup-wait",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "At startup, wait this long for etcd to answer, saying so every few seconds, before giving"
                    + " up; 0 waits for as long as it takes (default: ${DEFAULT-VALUE}).")
    long etcdStartupWaitSeconds;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:7400",
            converter = HostPort.Converter.class,
            description = "Public gRPC address, for players: Login and registration over TLS without client "
                    + "certificates; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
            names = "--internal-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:7401",
            converter = HostPort.Converter.class,
            description = "Internal gRPC address, for nodes, peer replicas and realmctl: mutual TLS with certificates "
                    + "of the realm's CA; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort internalListen;

    @Option(
            names = "--metrics-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:9400",
            converter = HostPort.Converter.class,
            description = "Prometheus /metrics address; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort metricsListen;

    @Option(names = "--id", paramLabel = "ID", description = "Replica id (default: generated).")
    String id;

    @Option(
            names = "--node-lease-ttl",
            paramLabel = "SECONDS",
            defaultValue = "6",
            description = "A node that stops heartbeating is removed after this long (default: ${DEFAULT-VALUE}).")
    long nodeLeaseTtlSeconds;

    @Option(
            names = "--heartbeat-interval",
            paramLabel = "MILLIS",
            defaultValue = "1000",
            description = "Interval nodes are told to heartbeat at (default: ${DEFAULT-VALUE}).")
    long heartbeatIntervalMillis;

    @Option(
            names = "--realms",
            paramLabel = "NAME[,NAME...]",
            split = ",",
            defaultValue = "main",
            description = "Realms this control plane serves; each has its continents (default: ${DEFAULT-VALUE}).")
    List<String> realms;

    @Option(
            names = "--advertise-host",
            paramLabel = "HOST",
            description = "Host other replicas and operators use to reach this one (default: the listen host).")
    String advertiseHost;

    @Option(
            names = "--leader-lease-ttl",
            paramLabel = "SECONDS",
            defaultValue = "5",
            description =
                    "A replica that stops renewing its lease loses leadership after this long (default: ${DEFAULT-VALUE}).")
    long leaderLeaseTtlSeconds;

    @Option(
            names = "--instance-idle-timeout",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description =
                    "An empty dungeon, raid or battleground instance closes after this long (default: ${DEFAULT-VALUE}).")
    long instanceIdleTimeoutSeconds;

    @Option(
            names = "--split-continent",
            paramLabel = "REALM.MAP=CELLS",
            description = "Run a continent as this many cells (2 to 8), each on its own node, when no operator said"
                    + " otherwise yet (as `realmctl split` would); repeatable, e.g. main.0=2 for the Eastern"
                    + " Kingdoms of realm main.")
    Map<String, Integer> splitContinents = new LinkedHashMap<>();

    @Option(
            names = "--auto-split",
            description = "Split a continent into cells on its own when its players pass 80% of what its node carries "
                    + "(as many cells as keep each under half a node, one per continent node), and merge a continent it "
                    + "split back when, after 5 minutes at least, its players are under 30% of a node; an operator's "
                    + "split or merge stays as given until then (default: off).")
    boolean autoSplit;

    @Option(
            names = "--rebalance-continents",
            description = "Move a continent, with its players (a loading screen, not a disconnect), when a continent "
                    + "node runs two or more continents more than another, e.g. after a node joins (default: off).")
    boolean rebalanceContinents;

    @Option(
            names = "--match-pass-every",
            defaultValue = "1000",
            paramLabel = "MILLIS",
            description = "Time between the leader's periodic matchmaking passes over the battleground queues and "
                    + "matches; a change of the queue or a match runs one at once too (default: ${DEFAULT-VALUE}).")
    long matchPassEveryMillis;

    @Option(
            names = "--battleground-grace",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "A player who disconnects inside a running battleground keeps its seat this long: a login "
                    + "within it goes back into the match; after it the seat is left, with Deserter "
                    + "(default: ${DEFAULT-VALUE}).")
    long battlegroundGraceSeconds;

    @Mixin
    EtcdTlsOptions etcdTls;

    @Mixin
    LoginOptions login;

    @Mixin
    RealmDatabaseOptions realmDatabases;

    @Mixin
    StandardOptions standard;

    @Mixin
    TlsOptions tls;

    private ControlPlaneConfig.Login loginConfig() {
        // First: a --realm-db for a realm not served is a mistake whatever else is set.
        final Map<String, RealmDatabase> own = realmDatabases.resolve(realms, System.getenv());
        if (login.dbUrl() == null) {
            if (!own.isEmpty()) {
                throw new StartupException("--realm-db needs --db-url: the accounts database (and that of every "
                        + "realm without a --realm-db)");
            }
            return ControlPlaneConfig.Login.disabled();
        }
        return new ControlPlaneConfig.Login(
                        login.dbUrl(),
                        DatabaseCredentials.from(System.getenv(), login.dbPasswordFile()),
                        TokenKeyFiles.loadSigner(login.tokenKeyFile()),
                        Duration.ofSeconds(login.tokenTtlSeconds()),
                        login.allowRegistration(),
                        login.passwordIterations(),
                        login.limits(),
                        login.dbCa(),
                        own)
                .withNewCharacterLevel(login.newCharacterLevel());
    }

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("controlplane", new ControlPlaneMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(standard.verbose());
        if (heartbeatIntervalMillis * 2 > nodeLeaseTtlSeconds * 1000) {
            throw new IllegalArgumentException("--heartbeat-interval " + heartbeatIntervalMillis
                    + " ms must be at most half of --node-lease-ttl " + nodeLeaseTtlSeconds + " s");
        }
        final ControlPlaneConfig config = new ControlPlaneConfig(
                id != null ? id : "cp-" + UUID.randomUUID().toString().substring(0, 8),
                etcd,
                etcdPrefix,
                Duration.ofMillis(etcdTimeoutMillis),
                listen,
                metricsListen,
                Duration.ofSeconds(nodeLeaseTtlSeconds),
                Duration.ofMillis(heartbeatIntervalMillis),
                new ControlPlaneConfig.Placement(
                        realms,
                        Duration.ofSeconds(leaderLeaseTtlSeconds),
                        Duration.ofSeconds(instanceIdleTimeoutSeconds),
                        advertiseHost,
                        rebalanceContinents,
                        checkedSplits(),
                        autoSplit ? AutoSplit.DEFAULT : null),
                loginConfig(),
                internalListen,
                tls.files(),
                // etcd over https: the replica's own certificate unless --etcd-cert names another.
                etcdTls.files(etcd, tls.files()));
        tls.warnIfPlaintext(LoggerFactory.getLogger(ControlPlaneMain.class), "controlplane");
        return Daemon.runUntilStopped(
                "controlplane",
                new ControlPlane(config, Duration.ofMillis(Math.max(10, matchPassEveryMillis)))
                        .battlegroundGrace(Duration.ofSeconds(battlegroundGraceSeconds))
                        .resumeTtl(Duration.ofHours(login.resumeTtlHours()))
                        .etcdStartupWait(Duration.ofSeconds(etcdStartupWaitSeconds))
                        .start());
    }

    private Map<String, Integer> checkedSplits() {
        splitContinents.forEach((continent, cells) -> {
            if (!continent.matches("[a-z0-9][a-z0-9-]{0,31}\\.[0-9]+")) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this),
                        "--split-continent names a continent as REALM.MAP (e.g. main.0), got '" + continent + "'");
            }
            if (cells < 1 || cells > Cells.MAX_CELLS) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this),
                        "--split-continent " + continent + " wants 1 to " + Cells.MAX_CELLS + " cells, got " + cells);
            }
        });
        return splitContinents;
    }
}
