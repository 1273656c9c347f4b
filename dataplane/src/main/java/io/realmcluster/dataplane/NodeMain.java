package io.realmcluster.dataplane;

import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.cli.Daemon;
import io.realmcluster.common.cli.Logging;
import io.realmcluster.common.cli.StandardOptions;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabaseOptions;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsOptions;
import io.realmcluster.dataplane.net.ClientLimitOptions;
import io.realmcluster.dataplane.tick.RealtimePriority;
import io.realmcluster.dataplane.world.battleground.ScoresToEnd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code dataplane} binary: one node of the realm cluster. */
@Command(
        name = "dataplane",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "A data-plane node of the realm cluster: runs map instances, serves game clients over TCP and UDP,",
            "and registers with the control plane (any replica of the list), reconnecting when it goes away."
        },
        footer = {
            "",
            "Environment: REALM_DB_USER, REALM_DB_PASSWORD (or --db-password-file), REALM_DB_USER_<REALM>,",
            "REALM_DB_PASSWORD_<REALM> (or --realm-db-password-file), REALM_TLS_CA, REALM_TLS_CERT, REALM_TLS_KEY,",
            "REALM_LOG_LEVEL."
        })
public final class NodeMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);
    private static final Set<String> POOLS = Set.of("continent", "dungeon", "raid", "battleground");

    @Option(
            names = "--controlplane",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            split = ",",
            defaultValue = "127.0.0.1:7401",
            converter = HostPort.Converter.class,
            description =
                    "Control-plane replicas' internal listeners (--internal-listen), tried in order (default: ${DEFAULT-VALUE}).")
    List<HostPort> controlPlanes;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:7410",
            converter = HostPort.Converter.class,
            description =
                    "gRPC address for the control plane and peer nodes; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
            names = "--client-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:8085",
            converter = HostPort.Converter.class,
            description =
                    "Game clients, TCP and UDP on the same port; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort clientListen;

    @Option(
            names = "--metrics-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:9410",
            converter = HostPort.Converter.class,
            description = "Prometheus /metrics address; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    HostPort metricsListen;

    @Option(
            names = "--advertise-host",
            paramLabel = "HOST",
            description =
                    "Host others use to reach this node (default: the listen host, or this machine's address when that is 0.0.0.0).")
    String advertiseHost;

    @Option(
            names = "--node-id",
            paramLabel = "ID",
            description = "Node id, unique in the cluster (default: generated).")
    String nodeId;

    @Option(
            names = "--pools",
            paramLabel = "POOL[,POOL...]",
            split = ",",
            defaultValue = "continent,dungeon,raid,battleground",
            description = "Pools this node serves: continent, dungeon, raid, battleground (default: ${DEFAULT-VALUE}).")
    List<String> pools;

    @Option(
            names = "--capacity",
            paramLabel = "PLAYERS",
            defaultValue = "3000",
            description = "Players this node is sized for (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--tick-threads", paramLabel = "N", description = "Threads that tick maps (default: one per core).")
    Integer tickThreads;

    @Option(
            names = "--tick-realtime-priority",
            paramLabel = "1-99",
            description =
                    "Run the tick threads at this real-time priority (Linux SCHED_FIFO), ahead of every ordinary thread, "
                            + "so that a busy machine does not stretch ticks; needs CAP_SYS_NICE or an RLIMIT_RTPRIO this high "
                            + "(systemd LimitRTPRIO=). Refused, the node warns and ticks at ordinary priority (default: off).")
    Integer tickRealtimePriority;

    @Option(
            names = "--token-public-keys",
            paramLabel = "FILE[,FILE]",
            split = ",",
            description = "The control plane's public token key (PEM, X.509), which login tokens must be signed with; "
                    + "during a rotation the new key, then the previous one.")
    List<Path> tokenPublicKeys;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC-URL",
            description =
                    "Character database of every realm without its own --realm-db (jdbc:postgresql://HOST:PORT/DB); user "
                            + "and password from REALM_DB_USER and REALM_DB_PASSWORD. Without it and without --realm-db "
                            + "characters are not saved (tests only); without it but with --realm-db the node holds only "
                            + "those realms.")
    String dbUrl;

    @Option(
            names = "--transfer-arrival-seconds",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long a client transferred to this node has to arrive before its character is given back "
                    + "(default: ${DEFAULT-VALUE}).")
    long transferArrivalSeconds;

    @Option(
            names = "--battleground-preparation-seconds",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "How long a battleground's gates stay closed after its instance loads, before the match "
                    + "starts (default: ${DEFAULT-VALUE}, as vanilla; tests and the local cluster shorten it).")
    long battlegroundPreparationSeconds;

    @Option(
            names = "--battleground-end-seconds",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "How long a battleground's players stay after its match ends before the node sends them "
                    + "home (default: ${DEFAULT-VALUE}, as vanilla; tests and the local cluster shorten it).")
    long battlegroundEndSeconds;

    @Option(
            names = "--battleground-under-minimum-seconds",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "How long a battleground's side may stay under its minimum of players before it loses "
                    + "(default: ${DEFAULT-VALUE}, as vanilla; tests shorten it).")
    long battlegroundUnderMinimumSeconds;

    @Option(
            names = "--warsong-gulch-captures",
            paramLabel = "N",
            defaultValue = "3",
            description = "The flag captures that win a Warsong Gulch match (default: ${DEFAULT-VALUE}, as vanilla; "
                    + "fewer make shorter matches, for demonstrations and tests).")
    long warsongGulchCaptures;

    @Option(
            names = "--arathi-basin-resources",
            paramLabel = "N",
            defaultValue = "2000",
            description = "The resources that win an Arathi Basin match (default: ${DEFAULT-VALUE}, as vanilla; a "
                    + "smaller value makes shorter matches, for demonstrations and tests).")
    long arathiBasinResources;

    @Option(
            names = "--alterac-valley-reinforcements",
            paramLabel = "N",
            defaultValue = "600",
            description = "The reinforcements each side of an Alterac Valley match starts with, one lost per death of "
                    + "its players (default: ${DEFAULT-VALUE}, as vanilla; a smaller value makes shorter matches, "
                    + "for demonstrations and tests).")
    long alteracValleyReinforcements;

    @Option(
            names = "--db-ca",
            paramLabel = "FILE",
            description = "CA certificate (PEM) of the database server: connect over TLS and verify the server's "
                    + "certificate and host name (sslmode=verify-full). Production realms give it; without it the "
                    + "connection is as --db-url says (pgjdbc's default tries TLS without verifying it).")
    Path dbCa;

    @Option(
            names = "--db-password-file",
            paramLabel = "FILE",
            description = "File holding the database password (instead of REALM_DB_PASSWORD).")
    String dbPasswordFile;

    @Mixin
    RealmDatabaseOptions realmDatabases;

    @Mixin
    ClientLimitOptions clientLimits;

    @Mixin
    StandardOptions standard;

    @Mixin
    TlsOptions tls;

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("dataplane", new NodeMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(standard.verbose());
        for (final String pool : pools) {
            if (!POOLS.contains(pool.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("unknown pool '" + pool + "'; pools are " + POOLS);
            }
        }
        if (tickThreads != null && tickThreads < 1) {
            throw new IllegalArgumentException("--tick-threads must be at least 1, got " + tickThreads);
        }
        if (tickRealtimePriority != null) {
            RealtimePriority.requireValid(tickRealtimePriority, "--tick-realtime-priority");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("--capacity must be positive, got " + capacity);
        }
        if (transferArrivalSeconds < 1) {
            throw new IllegalArgumentException(
                    "--transfer-arrival-seconds must be at least 1, got " + transferArrivalSeconds);
        }
        if (battlegroundPreparationSeconds < 0) {
            throw new IllegalArgumentException(
                    "--battleground-preparation-seconds must not be negative, got " + battlegroundPreparationSeconds);
        }
        if (battlegroundEndSeconds < 0 || battlegroundUnderMinimumSeconds < 0) {
            throw new IllegalArgumentException("--battleground-end-seconds and --battleground-under-minimum-seconds "
                    + "must not be negative, got " + battlegroundEndSeconds + " and "
                    + battlegroundUnderMinimumSeconds);
        }
        if (warsongGulchCaptures < 1 || arathiBasinResources < 1 || alteracValleyReinforcements < 1) {
            throw new IllegalArgumentException("--warsong-gulch-captures, --arathi-basin-resources and "
                    + "--alterac-valley-reinforcements must be positive, got " + warsongGulchCaptures + ", "
                    + arathiBasinResources + " and " + alteracValleyReinforcements
                    + " (vanilla's are 3, 2000 and 600)");
        }
        final NodeConfig config = new NodeConfig(
                nodeId != null ? nodeId : "node-" + UUID.randomUUID().toString().substring(0, 8),
                UUID.randomUUID().toString(),
                controlPlanes,
                listen,
                clientListen,
                metricsListen,
                advertise(),
                pools.stream().map(p -> p.toLowerCase(Locale.ROOT)).distinct().toList(),
                capacity,
                tickThreads != null ? tickThreads : Runtime.getRuntime().availableProcessors(),
                tickRealtimePriority != null ? tickRealtimePriority : 0,
                TokenKeyFiles.loadVerifiers(tokenPublicKeys),
                dbUrl,
                dbUrl == null
                        ? null
                        : DatabaseCredentials.from(
                                System.getenv(), dbPasswordFile == null ? null : Path.of(dbPasswordFile)),
                Duration.ofSeconds(transferArrivalSeconds),
                clientLimits.limits(),
                tls.files(),
                dbCa,
                Duration.ofSeconds(battlegroundPreparationSeconds),
                realmDatabases.resolve(realmDatabases.named(), System.getenv()),
                Duration.ofSeconds(battlegroundEndSeconds),
                Duration.ofSeconds(battlegroundUnderMinimumSeconds),
                new ScoresToEnd(warsongGulchCaptures, arathiBasinResources, alteracValleyReinforcements));
        final Node node = new Node(config).start();
        // Once up: a node that cannot start says only why.
        tls.warnIfPlaintext(LOG, "dataplane");
        return Daemon.runUntilStopped("dataplane", node);
    }

    private String advertise() {
        return advertiseHost != null ? advertiseHost : HostPort.advertisable(listen.host());
    }
}
