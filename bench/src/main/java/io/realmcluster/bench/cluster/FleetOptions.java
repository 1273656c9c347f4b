package io.realmcluster.bench.cluster;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.tools.bots.BotConfig;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** How a benchmark drives its bots: the options every benchmark with bots takes, and the fleet they make. */
public final class FleetOptions {
    /** The realm the bots play on. */
    public static final String REALM = "main";

    @Option(
            names = "--io-threads",
            defaultValue = "2",
            description = "Event loops driving the bots (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(
            names = "--login-concurrency",
            defaultValue = "32",
            description = "Logins in flight (default: ${DEFAULT-VALUE}).")
    int loginConcurrency;

    public int ioThreads() {
        return ioThreads;
    }

    /**
     * {@code count} bots named {@code prefix}... on {@link #REALM}, playing until stopped (a move
     * every 50 ms over TCP, a chat line every 20 s), their homes within {@code spreadYards} of where they enter.
     */
    public BotConfig fleet(final HostPort controlPlane, final int count, final String prefix, final float spreadYards) {
        return new BotConfig(
                List.of(controlPlane),
                count,
                Duration.ZERO,
                REALM,
                prefix,
                loginConcurrency,
                ioThreads,
                Duration.ofSeconds(20),
                spreadYards);
    }
}
