package io.realmcluster.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Any command, typically one of the launch scripts in bin/, with its output in a log file and in memory,
 * and its whole process tree killed on {@link #close()}.
 */
public final class ScriptProcess implements AutoCloseable {
    private final ChildProcess child;

    private ScriptProcess(final ChildProcess child) {
        this.child = child;
    }

    /** Run {@code command} (program first) in this JVM's working directory and environment. */
    public static ScriptProcess start(final String name, final List<String> command) {
        return start(name, new ProcessBuilder(command));
    }

    /** Run {@code command} as {@link #start(String, List)} does, in a session of its own, as a terminal runs it (see {@link #interruptGroup()}). */
    public static ScriptProcess startInOwnSession(final String name, final List<String> command) {
        return start(name, Executables.inOwnSession(command));
    }

    /** Run a prepared builder, for a working directory or environment of its own; its output is redirected. */
    public static ScriptProcess start(final String name, final ProcessBuilder builder) {
        return new ScriptProcess(ChildProcess.start(name, builder, ChildProcess.defaultLogDirectory()));
    }

    public String name() {
        return child.name();
    }

    public long pid() {
        return child.pid();
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    /** The processes it has started and that still run, e.g. to check that they end with it. */
    public List<ProcessHandle> descendants() {
        return child.descendants();
    }

    /** SIGTERM, without waiting: what Ctrl-C or a service manager sends to a launcher. */
    public void terminate() {
        child.terminate();
    }

    /**
     * Ctrl-C: SIGINT to every process of the group the script leads, which it must, started by
     * {@link #startInOwnSession}. Its children that run in sessions of their own do not get it.
     */
    public void interruptGroup() {
        child.interruptGroup();
    }

    /** SIGKILL to the script alone; what it started lives on, as after a real crash. */
    public void kill() {
        child.kill();
    }

    /** SIGTERM, SIGKILL if still alive after {@code grace}; the exit code. */
    public int stop(final Duration grace) {
        return child.stop(grace);
    }

    /** The exit code, once the process has exited within {@code deadline}; an exception otherwise. */
    public int waitForExit(final Duration deadline) {
        return child.waitForExit(deadline);
    }

    /** The first line of output, so far or until {@code deadline}, that contains {@code text}. */
    public String awaitOutput(final String text, final Duration deadline) {
        return child.awaitOutput(Pattern.compile(Pattern.quote(text)), deadline);
    }

    /** The first line of output, so far or until {@code deadline}, in which {@code pattern} is found. */
    public String awaitOutput(final Pattern pattern, final Duration deadline) {
        return child.awaitOutput(pattern, deadline);
    }

    /** Everything printed so far on stdout and stderr. */
    public String output() {
        return child.output();
    }

    public Path logFile() {
        return child.logFile();
    }

    /** SIGKILL to the script and everything it started, if it still runs. */
    @Override
    public void close() {
        child.close();
    }

    @Override
    public String toString() {
        return child.toString();
    }
}
