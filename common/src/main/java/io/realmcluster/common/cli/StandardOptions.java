package io.realmcluster.common.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every binary takes; mixed into each command with {@code @Mixin}. */
public final class StandardOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with defaults for any option, keyed by the long option name "
                    + "without dashes (e.g. listen=0.0.0.0:7400). Flags on the command line win.")
    Path config;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print stack traces with errors and log at DEBUG.")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
