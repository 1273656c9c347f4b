package io.realmcluster.tools.localcluster;

import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.cli.Logging;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.processes.ScriptProcess;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.tools.realmctl.MapTable;
import io.realmcluster.tools.realmctl.NodeTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/local-cluster}: a whole realm cluster on this machine (etcd, embedded PostgreSQL, a
 * control plane, nodes), on the fixed ports of the README, until Ctrl-C or SIGTERM stops it all.
 * It serves two realms of one battlegroup, {@code main} (whose characters share the accounts'
 * database) and {@code second} (with a database of its own on the same server); every node holds
 * both, and the bots are split evenly between them.
 */
@Command(
        name = "local-cluster",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        subcommands = RolloutCommand.class,
        description = {
            "Start a local realm cluster and show it; Ctrl-C or SIGTERM stops everything it started.",
            "etcd and PostgreSQL speak TLS only; the realm's CA and certificates are in the run directory's pki/.",
            "Data (etcd, PostgreSQL) and logs live under the run directory and survive restarts."
        })
public final class LocalCluster implements Callable<Integer> {
    private static final String BOTS = "bots";
    /** The realms the local cluster serves, one battlegroup: each its own database. */
    private static final List<String> REALMS = List.of("main", "second");
    /** The battlegroup holding {@link #REALMS}. */
    private static final String BATTLEGROUP = "vanilla";
    /** The database of realm second (main's is the shared one, with the accounts). */
    private static final String SECOND_DATABASE = "realm_second";

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Option(
            names = "--home",
            hidden = true,
            required = true,
            description = "Repository root (set by bin/local-cluster).")
    Path home;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Data and logs (default: HOME/run).")
    Path runDir;

    @Option(
            names = "--nodes",
            paramLabel = "N",
            defaultValue = "2",
            description = "Data-plane nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--port-offset",
            paramLabel = "N",
            defaultValue = "0",
            description = "Shift every port by N, to run beside another cluster (default: ${DEFAULT-VALUE}).")
    int portOffset;

    @Option(
            names = "--etcd-members",
            paramLabel = "N",
            defaultValue = "1",
            description = "etcd members: 1, or 3 that keep the realm going while one is down (data in RUN/etcd-1..3; "
                    + "kill one with kill -9 $(cat RUN/pids/etcd-2.pid)) (default: ${DEFAULT-VALUE}).")
    int etcdMembers;

    @Option(
            names = "--bots",
            paramLabel = "N",
            defaultValue = "200",
            description = "Headless players to run once the cluster is up; 0 for none (default: ${DEFAULT-VALUE}).")
    int bots;

    @Option(
            names = "--dungeon-share",
            paramLabel = "SHARE",
            defaultValue = "0.1",
            description =
                    "Share of the bots that walk to a dungeon entrance (the Stockade, Ragefire Chasm), go in, and come "
                            + "back out (default: ${DEFAULT-VALUE}).")
    double dungeonShare;

    @Option(
            names = "--battleground-share",
            paramLabel = "SHARE",
            defaultValue = "0.5",
            description =
                    "Share of the bots that queue for Warsong Gulch, Arathi Basin and Alterac Valley, accept their "
                            + "invites and play (default: ${DEFAULT-VALUE}).")
    double battlegroundShare;

    @Option(
            names = "--bot-level",
            paramLabel = "LEVEL",
            defaultValue = "60",
            description = "Level the bots' new characters start at (the control plane's --new-character-level): 60 "
                    + "fits all three battlegrounds, in one bracket, so that matches fill (default: "
                    + "${DEFAULT-VALUE}).")
    int botLevel;

    @Option(
            names = "--battleground-preparation-seconds",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "The nodes' preparation before a battleground's gates open, and the wait after its end "
                    + "before everyone goes home: shorter than a realm's 120 s so that a match is seen from pop to "
                    + "home in minutes (default: ${DEFAULT-VALUE}).")
    int battlegroundPreparationSeconds;

    @Option(
            names = "--battleground-under-minimum-seconds",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "How long a side of the nodes' battleground matches may stay under its minimum before it "
                    + "loses: longer than a realm's 300 s, because the local cluster's bots spread over several "
                    + "matches at once and many run under their minimum; so they end by their objective "
                    + "(default: ${DEFAULT-VALUE}).")
    int battlegroundUnderMinimumSeconds;

    @Option(
            names = "--warsong-gulch-captures",
            paramLabel = "N",
            defaultValue = "1",
            description = "The flag captures that win the nodes' Warsong Gulch matches: fewer than a realm's 3, since "
                    + "the bots take almost four minutes for each capture (default: ${DEFAULT-VALUE}).")
    long warsongGulchCaptures;

    @Option(
            names = "--arathi-basin-resources",
            paramLabel = "N",
            defaultValue = "300",
            description = "The resources that win the nodes' Arathi Basin matches: shorter than a realm's 2000 so that "
                    + "a match ends in a few minutes of play (default: ${DEFAULT-VALUE}).")
    long arathiBasinResources;

    @Option(
            names = "--alterac-valley-reinforcements",
            paramLabel = "N",
            defaultValue = "150",
            description = "The reinforcements each side of the nodes' Alterac Valley matches starts with: fewer than a "
                    + "realm's 600 so that a match ends in a few minutes of play (default: ${DEFAULT-VALUE}).")
    long alteracValleyReinforcements;

    @Option(names = "--fresh", description = "Delete the data of earlier runs first.")
    boolean fresh;

    @Option(
            names = "--split-continents",
            description = "Run each realm's Eastern Kingdoms as two cells, one on each of two nodes (a fresh realm;"
                    + " one that ran before keeps its layout).")
    boolean splitContinents;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print stack traces with errors.")
    boolean verbose;

    /** The control plane, nodes and bots, in the order started. */
    private final List<SupervisedProcess.Script> children = new CopyOnWriteArrayList<>();
    /** The operator certificate this process watches the cluster with. */
    private TlsFiles operator;

    /** The etcd members, in order; empty until they are started. */
    private volatile List<EtcdProcess> etcd = List.of();

    private PostgresProcess postgres;
    private Supervisor supervisor;
    private ClusterWatch watch;

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("local-cluster", new LocalCluster(), args));
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(verbose);
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be 1 to 9, got " + nodes);
        }
        if (bots < 0) {
            throw new IllegalArgumentException("--bots must not be negative, got " + bots);
        }
        if (battlegroundUnderMinimumSeconds < 0) {
            throw new IllegalArgumentException("--battleground-under-minimum-seconds must not be negative, got "
                    + battlegroundUnderMinimumSeconds);
        }
        if (warsongGulchCaptures < 1 || arathiBasinResources < 1 || alteracValleyReinforcements < 1) {
            throw new IllegalArgumentException("--warsong-gulch-captures, --arathi-basin-resources and "
                    + "--alterac-valley-reinforcements must be positive, got " + warsongGulchCaptures + ", "
                    + arathiBasinResources + " and " + alteracValleyReinforcements);
        }
        final LocalEtcd etcdLayout = new LocalEtcd(etcdMembers);
        final Path run = (runDir != null ? runDir : home.resolve("run")).toAbsolutePath();
        if (fresh) {
            deleteTree(run);
        }
        etcdLayout.requireLayoutOf(run);
        Files.createDirectories(run.resolve("logs"));
        final LocalPki pki = LocalPki.ensure(run, nodes);
        operator = pki.files(Role.OPERATOR, LocalPki.OPERATOR);
        final LocalPorts ports = new LocalPorts(portOffset);
        final PrintStream out = System.out;
        final PidFiles pids = new PidFiles(run);
        supervisor = new Supervisor(pids, out, System::currentTimeMillis, RestartBackoff.LOCAL_CLUSTER);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopAll(out);
                            stopped.countDown();
                        },
                        "local-cluster-shutdown"));

        final TlsFiles etcdCertificate = pki.etcdServer();
        final TlsFiles postgresCertificate = pki.files(Role.SERVER, "postgres");
        out.println("local-cluster: starting " + etcdLayout.describe(run, ports));
        etcd = etcdLayout.start(run, ports, etcdCertificate);
        out.println("local-cluster: starting PostgreSQL on 127.0.0.1:" + ports.postgres() + " (TLS, data in "
                + run.resolve("postgres") + ")");
        postgres = PostgresProcess.builder()
                .tls(postgresCertificate.ca(), postgresCertificate.certificate(), postgresCertificate.privateKey())
                .port(ports.postgres())
                .dataDirectory(run.resolve("postgres"))
                .cleanDataDirectory(false)
                .logFile(run.resolve("logs").resolve("postgres.log"))
                .stopOnJvmExit(false)
                .start();
        for (int i = 0; i < etcd.size(); i++) {
            final EtcdProcess member = etcd.get(i);
            supervisor.add(
                    SupervisedProcess.etcd(etcdLayout.name(i + 1), member),
                    restartedAt -> member.healthy() ? "healthy, data kept" : null);
        }
        supervisor.add(
                SupervisedProcess.postgres(postgres), Supervisor.BackCheck.started("accepting connections, data kept"));
        supervisor.start();

        final Map<String, String> env = Map.of(
                "REALM_DB_USER", postgres.user(),
                "REALM_DB_PASSWORD", postgres.password());
        // Realm second's characters in a database of their own, its password in a file only this user reads.
        final List<String> realmDatabase = List.of(
                "--realm-db",
                "second=" + ensureDatabase(postgres, SECOND_DATABASE),
                "--realm-db-password-file",
                "second=" + passwordFile(run.resolve("realm-db-second.password"), postgres.password()));
        // Players log in on the public listener; nodes and operators use the internal one (mutual TLS).
        final String controlPlane = "127.0.0.1:" + ports.controlPlaneInternal();
        final String login = "127.0.0.1:" + ports.controlPlane();
        // The control plane signs session tokens with token.key; the nodes check them with token.pub.
        TokenKeyFiles.generate(run);
        final Path tokenKey = run.resolve(TokenKeyFiles.PRIVATE_KEY);
        final Path tokenPublicKey = run.resolve(TokenKeyFiles.PUBLIC_KEY);
        final HostPort controlPlaneAddress = HostPort.parse(controlPlane);
        watch = new ClusterWatch(controlPlaneAddress, operator, REALMS);
        ClusterFile.write(run, controlPlaneAddress, nodes);
        // Back once it answers operators and every node has registered with it again.
        final Supervisor.BackCheck controlPlaneBack = restartedAt -> {
            final int registered = watch.nodes().getNodesCount();
            return registered >= nodes ? "answering, " + registered + " nodes registered" : null;
        };
        startChild(
                "cp-1",
                controlPlaneBack,
                run,
                env,
                withSplits(withTls(
                        // Its certificate of the realm's CA, and the one etcd's own CA gave it for etcd.
                        Stream.concat(
                                        pki.args(Role.CONTROLPLANE, LocalPki.CONTROLPLANE).stream(),
                                        pki.etcdClientArgs().stream())
                                .toList(),
                        home.resolve("bin/controlplane").toString(),
                        "--id",
                        LocalPki.CONTROLPLANE,
                        "--etcd",
                        LocalEtcd.endpoints(etcd),
                        "--listen",
                        login,
                        "--internal-listen",
                        controlPlane,
                        "--metrics-listen",
                        "127.0.0.1:" + ports.controlPlaneMetrics(),
                        "--db-url",
                        postgres.jdbcUrl(),
                        "--db-ca",
                        postgres.serverCa().toString(),
                        "--token-key-file",
                        tokenKey.toString(),
                        "--allow-registration",
                        "--rebalance-continents",
                        // The bots create thousands of accounts; a production realm keeps the default.
                        "--password-iterations",
                        "10000",
                        // ...from one address: the per-address limits would hold them back.
                        "--login-rate-per-ip",
                        "1000000",
                        "--registrations-per-ip",
                        "1000000",
                        "--new-character-level",
                        Integer.toString(botLevel),
                        "--realms",
                        String.join(",", REALMS),
                        realmDatabase.get(0),
                        realmDatabase.get(1),
                        realmDatabase.get(2),
                        realmDatabase.get(3))));
        // Nodes would only retry until the control plane listens; start them once it does.
        watch.awaitNodes(0);
        for (int i = 1; i <= nodes; i++) {
            final String nodeId = LocalPki.node(i);
            startChild(
                    "node-" + i,
                    restartedAt ->
                            watch.registeredSince(nodeId, restartedAt) ? "registered with the control plane" : null,
                    run,
                    env,
                    withTls(
                            pki.args(Role.NODE, LocalPki.node(i)),
                            home.resolve("bin/dataplane").toString(),
                            "--node-id",
                            LocalPki.node(i),
                            "--controlplane",
                            controlPlane,
                            "--listen",
                            "127.0.0.1:" + ports.nodeGrpc(i),
                            "--client-listen",
                            "127.0.0.1:" + ports.nodeClients(i),
                            "--metrics-listen",
                            "127.0.0.1:" + ports.nodeMetrics(i),
                            "--token-public-keys",
                            tokenPublicKey.toString(),
                            "--db-url",
                            postgres.jdbcUrl(),
                            // Its bots connect from one address, all at once when a continent moves.
                            "--client-pending-per-ip",
                            "1000000",
                            "--client-accepts-per-second",
                            "1000000",
                            "--db-ca",
                            postgres.serverCa().toString(),
                            "--battleground-preparation-seconds",
                            Integer.toString(battlegroundPreparationSeconds),
                            "--battleground-end-seconds",
                            Integer.toString(battlegroundPreparationSeconds),
                            "--battleground-under-minimum-seconds",
                            Integer.toString(battlegroundUnderMinimumSeconds),
                            "--warsong-gulch-captures",
                            Long.toString(warsongGulchCaptures),
                            "--arathi-basin-resources",
                            Long.toString(arathiBasinResources),
                            "--alterac-valley-reinforcements",
                            Long.toString(alteracValleyReinforcements),
                            realmDatabase.get(0),
                            realmDatabase.get(1),
                            realmDatabase.get(2),
                            realmDatabase.get(3)));
        }

        final ListNodesResponse registered = watch.awaitNodes(nodes);
        out.println();
        out.println("local-cluster: realm cluster is up (mutual TLS, certificates in " + run.resolve(LocalPki.DIRECTORY)
                + "): control plane " + login + " for players, " + controlPlane + " for nodes and operators, "
                + registered.getNodesCount() + " nodes registered in etcd:");
        out.println();
        NodeTable.print(registered.getNodesList(), false, System.currentTimeMillis(), out);
        out.println();
        final List<MapInstance> continents = watch.awaitContinents();
        out.println("local-cluster: continents assigned by the control plane:");
        out.println();
        MapTable.print(continents, out);
        out.println();
        watch.awaitBattlegroup(BATTLEGROUP);
        out.println("local-cluster: realms " + String.join(" and ", REALMS) + " (each with its own database) meet in "
                + "battlegroup " + BATTLEGROUP);
        if (bots > 0) {
            // Split evenly over the realms, the first taking what does not divide.
            for (int r = 0; r < REALMS.size(); r++) {
                final int count = bots / REALMS.size() + (r == 0 ? bots % REALMS.size() : 0);
                if (count == 0) {
                    continue;
                }
                final String name = BOTS + "-" + REALMS.get(r);
                out.println("local-cluster: starting " + count + " bots of realm " + REALMS.get(r) + " (log: "
                        + run.resolve("logs").resolve(name + ".log") + ")");
                startChild(
                        name,
                        Supervisor.BackCheck.started("logging its bots in again"),
                        run,
                        Map.of(),
                        List.of(
                                home.resolve("bin/bots").toString(),
                                "--controlplane",
                                login,
                                "--tls-ca",
                                pki.ca().toString(),
                                "--realm",
                                REALMS.get(r),
                                "--count",
                                Integer.toString(count),
                                "--duration",
                                "0",
                                "--dungeon-share",
                                Double.toString(dungeonShare),
                                "--battleground-share",
                                Double.toString(battlegroundShare),
                                // Split continents: a quarter of the bots walk across Eastern Kingdoms' boundary.
                                "--crossers",
                                splitContinents ? "0.25" : "0"));
            }
            final int playing = watch.awaitPlayers(bots);
            out.println("local-cluster: " + playing + " bots in the world; players and tick p99 per map:");
            out.println();
            watch.showMaps(out);
            out.println();
        }
        out.println("local-cluster: try bin/realmctl get maps; logs in " + run.resolve("logs")
                + "; Ctrl-C stops the cluster");
        out.println("local-cluster: a child that exits is started again; its pid is in " + pids.directory()
                + " (e.g. kill -9 $(cat " + pids.directory().resolve("node-1.pid") + ")); bin/local-cluster --run-dir "
                + run + " rollout restart restarts the nodes and the control plane one at a time");
        if (etcdMembers > 1) {
            out.println(
                    "local-cluster: etcd runs as " + etcdLayout.describe() + "; any two carry the realm (e.g. kill -9 "
                            + "$(cat " + pids.directory().resolve(etcdLayout.name(2) + ".pid") + "))");
        }
        if (bots > 0 && dungeonShare > 0) {
            out.println(
                    "local-cluster: some bots are walking to dungeons (from Northshire to the Stockade takes about three "
                            + "minutes); the maps are shown again whenever instances open or close");
        }

        if (bots > 0 && splitContinents) {
            out.println(
                    "local-cluster: Eastern Kingdoms runs as two cells; a quarter of the bots walk to and fro across"
                            + " their boundary (the nodes count realm_node_cell_crossings_total, and the bots' summary the gap"
                            + " in updates at each crossing)");
        }

        if (bots > 0 && battlegroundShare > 0) {
            out.println("local-cluster: " + Math.round(bots * battlegroundShare) + " bots (level " + botLevel
                    + ") queue " + "for battlegrounds; a line shows each match that pops and ends");
        }

        Set<String> shown = Set.of();
        long nextLook = System.currentTimeMillis() + 10_000;
        long nextMatchLook = System.currentTimeMillis();
        while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
            if (bots > 0 && System.currentTimeMillis() >= nextLook) {
                nextLook = System.currentTimeMillis() + 10_000;
                shown = watch.showMapsIfChanged(shown, out);
            }
            if (System.currentTimeMillis() >= nextMatchLook) {
                nextMatchLook = System.currentTimeMillis() + 2_000;
                watch.showMatches(out);
            }
        }
        return 0;
    }

    /** Create database {@code name} on {@code postgres} unless it exists (a restart keeps its data); its URL. */
    private static String ensureDatabase(final PostgresProcess postgres, final String name) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + name);
                    }
                }
            }
        }
        return postgres.jdbcUrl(name);
    }

    /** Write {@code password} to {@code file}, readable by its owner only (mode 0600); the file. */
    private static Path passwordFile(final Path file, final String password) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password);
        return file;
    }

    /** {@code command} followed by {@code tls}: its certificate options. */
    /** The control plane's command, with each realm's Eastern Kingdoms split in two under --split-continents. */
    private List<String> withSplits(final List<String> command) {
        if (!splitContinents) {
            return command;
        }
        final List<String> all = new ArrayList<>(command);
        for (final String realm : REALMS) {
            all.add("--split-continent");
            all.add(realm + ".0=2");
        }
        return all;
    }

    private static List<String> withTls(final List<String> tls, final String... command) {
        final List<String> all = new ArrayList<>(List.of(command));
        all.addAll(tls);
        return all;
    }

    private void startChild(
            final String name,
            final Supervisor.BackCheck back,
            final Path run,
            final Map<String, String> env,
            final List<String> command) {
        final SupervisedProcess.Script child = SupervisedProcess.script(
                name,
                () -> ScriptProcess.builder(name, command)
                        .environment(env)
                        .logFile(run.resolve("logs").resolve(name + ".log"))
                        .echoTo(System.out)
                        // Out of reach of the terminal's Ctrl-C and of this JVM's exit: stopAll stops them, the
                        // bots before the nodes they play on, so that they log out rather than see the nodes go.
                        .inOwnSession()
                        .stopOnJvmExit(false)
                        // The cluster may run for hours; its logs hold the lines.
                        .keepOutputInMemory(false)
                        .start());
        children.add(child);
        supervisor.add(child, back);
    }

    private void stopAll(final PrintStream out) {
        // First, so that no child stopped below is started again.
        if (supervisor != null) {
            supervisor.stop();
        }
        final MatchWatch matches = watch != null ? watch.matches() : new MatchWatch();
        out.println("local-cluster: stopping; battleground matches seen: " + matches.popped() + " popped, "
                + matches.ended() + " ended");
        // The bots first, so that they log out rather than see their nodes go; then the control plane
        // and the nodes together (one by one, the control plane would move each stopped node's
        // continents onto the next node to stop).
        final Map<Boolean, List<ScriptProcess>> byBots = children.stream()
                .map(SupervisedProcess.Script::current)
                .collect(Collectors.partitioningBy(child -> child.name().startsWith(BOTS)));
        for (final List<ScriptProcess> group : List.of(byBots.get(true), byBots.get(false))) {
            final List<Boolean> wasAlive =
                    group.stream().map(ScriptProcess::isAlive).toList();
            group.forEach(ScriptProcess::terminate);
            for (int i = 0; i < group.size(); i++) {
                final ScriptProcess child = group.get(i);
                // The SIGTERM went out above; stop sends none of its own, only SIGKILL after the grace.
                final int exitCode = child.stop(STOP_GRACE);
                out.println("local-cluster: " + child.name() + (wasAlive.get(i) ? " stopped" : " had already exited")
                        + " (exit code " + exitCode + ")");
            }
        }
        if (postgres != null) {
            postgres.stop();
        }
        etcd.forEach(EtcdProcess::stop);
        if (watch != null) {
            watch.close();
        }
        if (supervisor != null) {
            supervisor.clearPidFiles();
        }
        out.println("local-cluster: stopped");
    }

    private static void deleteTree(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
