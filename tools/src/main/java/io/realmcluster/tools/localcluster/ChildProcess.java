package io.realmcluster.tools.localcluster;

import io.realmcluster.processes.Executables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A process of the local cluster: its output goes to its log file and, prefixed with its name, to the console. */
final class ChildProcess {
    private final String name;
    private final Process process;
    private final Thread pump;

    private ChildProcess(final String name, final Process process, final Thread pump) {
        this.name = name;
        this.process = process;
        this.pump = pump;
    }

    static ChildProcess start(
            final String name,
            final List<String> command,
            final Map<String, String> env,
            final Path logFile,
            final PrintStream console)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        // Out of reach of the terminal's Ctrl-C: the local cluster stops its processes itself, the
        // bots before the nodes they play on, so that they log out rather than see the nodes go.
        final ProcessBuilder builder = new ProcessBuilder(Executables.inOwnSession(command)).redirectErrorStream(true);
        builder.environment().putAll(env);
        final Process process = builder.start();
        final PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        final Thread pump = new Thread(
                () -> {
                    try (BufferedReader reader = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            log.println(line);
                            console.println(String.format("%-8s| %s", name, line));
                        }
                    } catch (final IOException ignored) {
                        // The process ended.
                    } finally {
                        log.close();
                    }
                },
                name + "-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildProcess(name, process, pump);
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, without waiting. */
    void terminate() {
        // Through the handle: Process.destroy() also closes our end of its output, which would lose its last words.
        process.toHandle().destroy();
    }

    /** After {@link #terminate()}: wait for it to end, SIGKILL if it has not within {@code graceMillis}. */
    void awaitExit(final long graceMillis) {
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(graceMillis, TimeUnit.MILLISECONDS);
            }
            // Its last lines (a summary) are still in the pipe.
            pump.join(2_000);
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
