package io.realmcluster.tools.realmctl;

import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.common.tls.TlsOptions;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code realmctl}: the operators' command line, in kubectl's manner ({@code get}, {@code describe}). */
@Command(
        name = "realmctl",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = "Operate a realm cluster through its control plane.",
        subcommands = {
            GetCommand.class,
            DescribeCommand.class,
            CreateCommand.class,
            CordonCommand.class,
            CordonCommand.Uncordon.class,
            MoveCommand.Drain.class,
            MoveCommand.class,
            SplitCommand.class,
            SplitCommand.Merge.class,
            CheckCommand.class,
            TransferCharacterCommand.class,
            BattlegroupCommand.Set.class,
            BattlegroupCommand.Delete.class,
            TokenKeyCommand.class,
            PkiCommand.class
        },
        footer = {
            "",
            "The control plane defaults to $REALMCTL_CONTROLPLANE, else " + Realmctl.DEFAULT_CONTROLPLANE
                    + " (the local cluster). TLS files default to $REALM_TLS_CA, $REALM_TLS_CERT and $REALM_TLS_KEY",
            "(bin/realmctl sets them to the local cluster's operator certificate when they are unset)."
        })
public final class Realmctl implements Runnable {
    static final String DEFAULT_CONTROLPLANE = "127.0.0.1:7401";

    @Option(
            names = "--controlplane",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            scope = ScopeType.INHERIT,
            description = "Control-plane replicas' internal listeners (--internal-listen), tried in order.")
    String controlPlanes;

    @Mixin
    TlsOptions tls;

    @Option(
            names = "--timeout",
            paramLabel = "MILLIS",
            defaultValue = "5000",
            scope = ScopeType.INHERIT,
            description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Properties file with defaults, e.g. controlplane=cp1:7400,cp2:7400.")
    Path config;

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("realmctl", new Realmctl(), args));
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "missing command: get or describe");
    }

    /** The Admin API of {@link #targets()}, with this operator's certificate (or none with --insecure-plaintext). */
    AdminClient admin() {
        final TlsFiles files = tls.files();
        tls.warnIfPlaintext(LoggerFactory.getLogger(Realmctl.class), "realmctl");
        return new AdminClient(targets(), timeoutMillis, files);
    }

    /** The control planes to talk to: flag, then environment, then the local cluster's address. */
    List<HostPort> targets() {
        if (controlPlanes != null) {
            return HostPort.parseList(controlPlanes);
        }
        final String env = System.getenv("REALMCTL_CONTROLPLANE");
        return HostPort.parseList(env != null && !env.isBlank() ? env : DEFAULT_CONTROLPLANE);
    }
}
