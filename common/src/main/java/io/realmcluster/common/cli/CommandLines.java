package io.realmcluster.common.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs a picocli command with the project's conventions: a {@code --config} file supplies defaults,
 * errors are one line naming the binary, stack traces only with {@code --verbose}, and exit codes
 * are 0 (ok), 1 (runtime failure) and 2 (bad usage).
 */
public final class CommandLines {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    private CommandLines() {}

    /** Parse and run {@code command} with {@code args}; returns the exit code. */
    public static int execute(final String binary, final Object command, final String... args) {
        final boolean verbose = hasVerbose(args);
        final CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((ex, parsedArgs) -> {
            final PrintWriter err = ex.getCommandLine().getErr();
            err.println(binary + ": " + ex.getMessage() + " (see " + binary + " --help)");
            if (verbose) {
                ex.printStackTrace(err);
            }
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
            final PrintWriter err = cl.getErr();
            err.println(binary + ": error: " + describe(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return EXIT_FAILURE;
        });
        final Path config = configFile(args);
        if (config != null) {
            if (!Files.isReadable(config)) {
                System.err.println(binary + ": error: config file " + config + " does not exist or is not readable");
                return EXIT_USAGE;
            }
            commandLine.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(config.toFile()));
        }
        return commandLine.execute(args);
    }

    /** One line for a failure: the message, with its cause when the message alone says too little. */
    public static String describe(final Throwable ex) {
        if (ex instanceof StartupException || ex.getCause() == null) {
            return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }
        return ex.getMessage() + ": " + describe(ex.getCause());
    }

    private static boolean hasVerbose(final String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--verbose") || a.equals("-v"));
    }

    private static Path configFile(final String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }
}
