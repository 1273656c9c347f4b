package io.realmcluster.bench;

import io.realmcluster.bench.battleground.AlteracBench;
import io.realmcluster.bench.battleground.BattlegroundEntryBench;
import io.realmcluster.bench.battleground.MatchmakerBench;
import io.realmcluster.bench.cells.CrossingsBench;
import io.realmcluster.bench.controlplane.ControlPlaneScaleBench;
import io.realmcluster.bench.drain.DrainBench;
import io.realmcluster.bench.failover.FailoverBench;
import io.realmcluster.bench.login.LoginBench;
import io.realmcluster.bench.persist.SavesBench;
import io.realmcluster.bench.ring.IngressBench;
import io.realmcluster.bench.scale.BotsBench;
import io.realmcluster.bench.tick.TickLatencyBench;
import io.realmcluster.bench.tls.ClientTlsBench;
import io.realmcluster.bench.transfer.TransferBench;
import io.realmcluster.common.cli.CommandLines;
import picocli.CommandLine.Command;

/** {@code bin/bench}: the benchmark suite; each subcommand prints its conditions, then its results. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark of the realm cluster.",
        subcommands = {
            FailoverBench.class,
            TickLatencyBench.class,
            IngressBench.class,
            BotsBench.class,
            SavesBench.class,
            TransferBench.class,
            DrainBench.class,
            ClientTlsBench.class,
            LoginBench.class,
            MatchmakerBench.class,
            AlteracBench.class,
            BattlegroundEntryBench.class,
            ControlPlaneScaleBench.class,
            CrossingsBench.class
        })
public final class BenchMain implements Runnable {
    public static void main(final String[] args) {
        System.exit(CommandLines.execute("bench", new BenchMain(), args));
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this),
                "missing benchmark: failover, tick, ingress, bots, saves, transfer, drain, tls, logins, matchmaker, alterac, "
                        + "battleground-entry or controlplane-scale");
    }
}
