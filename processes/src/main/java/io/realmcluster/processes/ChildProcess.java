package io.realmcluster.processes;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The life cycle both {@link JavaProcess} and {@link ScriptProcess} expose: signals, exit, and the
 * captured output. A child is SIGKILLed with everything it started when this JVM exits, unless it was
 * started for a caller that stops it in an order of its own.
 */
final class ChildProcess {
    private static final Duration KILL_DEADLINE = Duration.ofSeconds(10);
    // A child that exited may leave a grandchild holding the pipe; its output is complete enough then.
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(2);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // A test that forgets close() must not leave JVMs behind that hold ports for the next run.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcess::killTree), "child-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final ProcessOutput output;
    private volatile boolean paused;
    private volatile boolean terminated;

    private ChildProcess(final String name, final Process process, final ProcessOutput output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** Start {@code builder}'s command with stdout and stderr merged into a log in {@code logDirectory}. */
    static ChildProcess start(final String name, final ProcessBuilder builder, final Path logDirectory) {
        return start(name, builder, Settings.logIn(logDirectory));
    }

    /** Start {@code builder}'s command with stdout and stderr merged and handled as {@code settings} say. */
    static ChildProcess start(final String name, final ProcessBuilder builder, final Settings settings) {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE);
        final Process process;
        try {
            process = builder.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
        }
        if (settings.stopOnJvmExit()) {
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
        }
        final Path logFile = settings.logFile() != null
                ? settings.logFile()
                : settings.logDirectory().resolve(fileName(name) + "-" + process.pid() + ".log");
        try {
            return new ChildProcess(
                    name,
                    process,
                    ProcessOutput.capture(
                            name, process.getInputStream(), logFile, settings.echo(), settings.keepOutputInMemory()));
        } catch (final RuntimeException e) {
            killTree(process);
            throw e;
        }
    }

    /** target/process-logs when run from a module directory, a temp directory otherwise. */
    static Path defaultLogDirectory() {
        final String configured = System.getProperty("realmcluster.process-logs");
        if (configured != null) {
            return Path.of(configured);
        }
        final Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            return target.resolve("process-logs").toAbsolutePath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "realmcluster-process-logs");
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; fails while the process runs. */
    int exitValue() {
        return process.exitValue();
    }

    Path logFile() {
        return output.logFile();
    }

    String output() {
        return output.text();
    }

    String awaitOutput(final Pattern pattern, final Duration deadline) {
        return output.await(pattern, deadline);
    }

    List<ProcessHandle> descendants() {
        return process.descendants().collect(Collectors.toList());
    }

    void kill() {
        process.toHandle().destroyForcibly();
        if (!waitQuietly(KILL_DEADLINE)) {
            throw new IllegalStateException(this + " still alive " + KILL_DEADLINE.toMillis() + " ms after SIGKILL");
        }
    }

    void terminate() {
        terminated = true;
        // A stopped process only acts on SIGTERM once continued.
        resumeIfPaused();
        // Process.destroy() would also close our end of the pipe and lose what the child prints on its way out.
        process.toHandle().destroy();
    }

    /** SIGTERM unless {@link #terminate()} sent it already, SIGKILL if still alive after {@code grace}; the exit code. */
    int stop(final Duration grace) {
        if (process.isAlive()) {
            if (!terminated) {
                terminate();
            }
            if (!waitQuietly(grace)) {
                kill();
            }
        }
        output.awaitEnd(DRAIN_DEADLINE);
        return process.exitValue();
    }

    /** SIGINT to the process group it leads (a process started in a session of its own), as Ctrl-C in a terminal. */
    void interruptGroup() {
        signal("INT", "-" + process.pid());
    }

    void pause() {
        signal("STOP");
        paused = true;
    }

    void resume() {
        signal("CONT");
        paused = false;
    }

    int waitForExit(final Duration deadline) {
        if (!waitQuietly(deadline)) {
            throw new IllegalStateException(
                    this + " still running after " + deadline.toMillis() + " ms; log " + logFile());
        }
        output.awaitEnd(DRAIN_DEADLINE);
        return process.exitValue();
    }

    /** SIGKILL to the process and to everything it started, as a leftover test would need. */
    void close() {
        if (process.isAlive()) {
            killTree(process);
            waitQuietly(KILL_DEADLINE);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    private void resumeIfPaused() {
        if (paused && process.isAlive()) {
            resume();
        }
    }

    private void signal(final String signal) {
        signal(signal, Long.toString(process.pid()));
    }

    /** {@code kill -SIGNAL -- target}: a pid, or minus a process group's id. */
    private void signal(final String signal, final String target) {
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    "cannot send SIG" + signal + " to " + this + ": it exited with code " + process.exitValue());
        }
        try {
            final Process kill = new ProcessBuilder("kill", "-" + signal, "--", target)
                    .redirectErrorStream(true)
                    .start();
            final String answer = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " -- " + target + " failed: " + answer);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " for " + this, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + this, e);
        }
    }

    private boolean waitQuietly(final Duration deadline) {
        try {
            return process.waitFor(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void killTree(final Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    private static String fileName(final String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Where a child's output goes and whether it dies with this JVM.
     *
     * @param logDirectory where the log goes, named for the child and its pid, unless {@code logFile} is set
     * @param logFile the log, or null
     * @param echo a stream that also gets every line, prefixed with the child's name, or null
     * @param keepOutputInMemory whether lines are kept for {@link #output()} and {@link #awaitOutput}
     * @param stopOnJvmExit whether the child and what it started are SIGKILLed when this JVM exits
     */
    record Settings(
            Path logDirectory, Path logFile, PrintStream echo, boolean keepOutputInMemory, boolean stopOnJvmExit) {
        /** A test's child: its log in {@code logDirectory}, its output in memory, killed at JVM exit. */
        static Settings logIn(final Path logDirectory) {
            return new Settings(logDirectory, null, null, true, true);
        }
    }
}
