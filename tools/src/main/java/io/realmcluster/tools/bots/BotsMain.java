package io.realmcluster.tools.bots;

import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.cli.Logging;
import io.realmcluster.common.cli.StandardOptions;
import io.realmcluster.common.net.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bots}: headless game clients for load and checks, thousands in one process. */
@Command(
        name = "bots",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Registers an account and a character per bot, logs the bots in through the control plane, and "
                + "plays them on their nodes (walk, fight, loot, chat) for a while; then logs them out and prints what they "
                + "saw. Exit code 0 when every bot entered the world and nothing unexpected happened, 1 otherwise.",
        footer = {"", "Progress goes to stderr every 5 s; the summary (or the JSON report) to stdout."})
public final class BotsMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BotsMain.class);

    /** Formats of {@code -o}. */
    enum Format {
        TEXT,
        JSON
    }

    @Option(
            names = "--controlplane",
            paramLabel = "HOST:PORT",
            split = ",",
            defaultValue = "127.0.0.1:7400",
            converter = HostPort.Converter.class,
            description =
                    "Control-plane replicas' public listeners (Login), tried in order (default: ${DEFAULT-VALUE}).")
    List<HostPort> controlPlanes;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            defaultValue = "${env:REALM_TLS_CA}",
            description =
                    "The realm's CA certificate (PEM): bots log in over TLS and speak TLS to nodes, accepting only "
                            + "a control plane or node whose certificate it issued for the address they dial, as game clients "
                            + "do; the bots hold no certificate (default: $REALM_TLS_CA).")
    Path tlsCa;

    @Option(
            names = "--insecure-plaintext",
            description =
                    "Log in and speak to nodes without TLS (a realm started with --insecure-plaintext): passwords, "
                            + "tokens and UDP cookies travel in clear text. For a test on one machine only.")
    boolean plaintext;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Bots (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Seconds in the world, counted once every bot has entered it or failed; 0 runs until stopped "
                    + "(Ctrl-C or SIGTERM) (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(
            names = "--realm",
            paramLabel = "REALM",
            defaultValue = "main",
            description = "Realm of the characters (default: ${DEFAULT-VALUE}).")
    String realm;

    @Option(
            names = "--name-prefix",
            paramLabel = "LETTERS",
            description =
                    "Letters in front of the account (<prefix>bot<i>) and character names (default: 4 random letters).")
    String namePrefix;

    @Option(
            names = "--login-concurrency",
            paramLabel = "N",
            defaultValue = "16",
            description = "Login-service calls in flight at most (default: ${DEFAULT-VALUE}).")
    int loginConcurrency;

    @Option(
            names = "--io-threads",
            paramLabel = "N",
            defaultValue = "1",
            description = "Event-loop threads driving the bots (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(
            names = "--chat-every",
            paramLabel = "SECONDS",
            defaultValue = "20",
            description = "Each bot says something this often (default: ${DEFAULT-VALUE}).")
    long chatEverySeconds;

    @Option(
            names = "--spread",
            paramLabel = "YARDS",
            defaultValue = "150",
            description =
                    "How far from where it enters each bot makes its home, as players spread over a zone (default: ${DEFAULT-VALUE}).")
    float spreadYards;

    @Option(
            names = "--dungeon-share",
            paramLabel = "SHARE",
            defaultValue = "0",
            description =
                    "Share of bots (0 to 1) that walk to the nearest dungeon entrance, go in, stay, and come back out "
                            + "(default: ${DEFAULT-VALUE}).")
    double dungeonShare;

    @Option(
            names = "--dungeon-stay",
            paramLabel = "SECONDS",
            defaultValue = "20",
            description =
                    "How long those bots stay on a map before they take the next portal (default: ${DEFAULT-VALUE}).")
    long dungeonStaySeconds;

    @Option(
            names = "--battleground-share",
            paramLabel = "SHARE",
            defaultValue = "0",
            description = "Share of bots (0 to 1) that queue for the battlegrounds their level fits (up to three), "
                    + "accept invites after a few seconds (declining a few), play the objective and queue again "
                    + "(default: ${DEFAULT-VALUE}); their characters must be level 10 or more (the control plane's "
                    + "--new-character-level).")
    double battlegroundShare;

    @Option(
            names = "--battleground-leave-share",
            paramLabel = "SHARE",
            defaultValue = "0.01",
            description = "Share of matches (0 to 1) a battleground bot leaves early, while the match runs, which "
                    + "gives it Deserter for 15 minutes (default: ${DEFAULT-VALUE}); in the others it waits for the "
                    + "end to send it home.")
    double battlegroundLeaveShare;

    @Option(
            names = "--crossers",
            paramLabel = "SHARE",
            defaultValue = "0",
            description = "Share of bots (0 to 1) that walk to and fro across the middle of their continent, 16 yd "
                    + "each way, instead of fighting and trading: the boundary of a continent split in two cells "
                    + "(realmctl split), crossed every 5 s or so (default: ${DEFAULT-VALUE}).")
    double crossShare;

    @Option(
            names = "--udp-moves",
            description =
                    "Send moves as UDP datagrams once in the world (the node binds each session's UDP to its cookie); "
                            + "everything else stays on TCP.")
    boolean udpMoves;

    @Option(
            names = "--accounts-password-file",
            paramLabel = "FILE",
            description =
                    "Log in to existing accounts and characters (<prefix>bot0, <prefix>bot1, ...; made with realmctl create) "
                            + "with the password in FILE instead of registering new ones; needs --name-prefix.")
    Path accountsPasswordFile;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Mixin
    StandardOptions standard;

    @Spec
    CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("bots", new BotsMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(standard.verbose());
        final BotConfig config = config();
        final BotFleet fleet = new BotFleet(config, tlsCa);
        final CountDownLatch reported = new CountDownLatch(1);
        final Thread hook = new Thread(
                () -> {
                    // Ctrl-C: log the bots out and print the summary before the JVM goes.
                    fleet.stop();
                    try {
                        reported.await(15, TimeUnit.SECONDS);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "bots-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            final BotReport report = fleet.run();
            if (output == Format.JSON) {
                System.out.println(report.toJson());
            } else {
                report.summaryLines().forEach(System.out::println);
            }
            System.out.flush();
            return report.ok() ? 0 : CommandLines.EXIT_FAILURE;
        } finally {
            reported.countDown();
        }
    }

    private BotConfig config() {
        positive(count, "--count");
        positive(loginConcurrency, "--login-concurrency");
        positive(ioThreads, "--io-threads");
        positive(chatEverySeconds, "--chat-every");
        if (durationSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must not be negative, got " + durationSeconds);
        }
        final String prefix = namePrefix != null ? namePrefix : BotNames.randomPrefix(new SecureRandom());
        final String problem = BotNames.checkPrefix(prefix, count);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
        try {
            final BotConfig config = new BotConfig(
                            controlPlanes,
                            count,
                            Duration.ofSeconds(durationSeconds),
                            realm,
                            prefix,
                            loginConcurrency,
                            ioThreads,
                            Duration.ofSeconds(chatEverySeconds),
                            spreadYards)
                    .withDungeons(dungeonShare, Duration.ofSeconds(dungeonStaySeconds))
                    .withBattlegrounds(battlegroundShare)
                    .withBattlegroundLeaves(battlegroundLeaveShare)
                    .withCrossers(crossShare)
                    .withMovesOverUdp(udpMoves)
                    .withNodeTls(nodeTls());
            if (accountsPasswordFile == null) {
                return config;
            }
            if (namePrefix == null) {
                throw new ParameterException(
                        spec.commandLine(), "--accounts-password-file needs the --name-prefix of the accounts");
            }
            return config.withExistingAccounts(readPassword(accountsPasswordFile));
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The realm's CA for TLS to nodes, or null with --insecure-plaintext; one of them is needed. */
    private Path nodeTls() {
        if (plaintext) {
            if (tlsCa != null) {
                throw new ParameterException(
                        spec.commandLine(), "--insecure-plaintext and --tls-ca exclude each other");
            }
            LOG.warn("bots run with --insecure-plaintext: no TLS to the control plane or nodes, passwords and tokens "
                    + "travel in clear text");
            return null;
        }
        if (tlsCa == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "bots need --tls-ca FILE (the realm's CA certificate, to verify nodes; the local cluster's is "
                            + "run/pki/ca.crt) or --insecure-plaintext for nodes that speak without TLS");
        }
        if (!Files.isReadable(tlsCa)) {
            throw new ParameterException(spec.commandLine(), "cannot read --tls-ca " + tlsCa);
        }
        return tlsCa;
    }

    private String readPassword(final Path file) {
        try {
            final String password = Files.readString(file).strip();
            if (password.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--accounts-password-file " + file + " is empty");
            }
            return password;
        } catch (final IOException e) {
            throw new ParameterException(
                    spec.commandLine(), "cannot read --accounts-password-file " + file + ": " + e.getMessage());
        }
    }

    private void positive(final long value, final String option) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
        }
    }
}
