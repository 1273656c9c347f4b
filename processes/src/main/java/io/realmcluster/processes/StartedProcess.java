package io.realmcluster.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A process this JVM started, with its output in a log file (and in memory, unless told otherwise)
 * and the ways to end it; {@link JavaProcess} and {@link ScriptProcess} add what their kind needs.
 */
public abstract class StartedProcess implements AutoCloseable {
    final ChildProcess child;

    StartedProcess(final ChildProcess child) {
        this.child = child;
    }

    public final String name() {
        return child.name();
    }

    public final long pid() {
        return child.pid();
    }

    public final boolean isAlive() {
        return child.isAlive();
    }

    /** SIGKILL to the process alone; what it started lives on, as after a real crash. */
    public final void kill() {
        child.kill();
    }

    /**
     * SIGTERM unless one was sent already (a process gets one), SIGKILL if still alive after
     * {@code grace}; the exit code, once its output has been read to the end.
     */
    public final int stop(final Duration grace) {
        return child.stop(grace);
    }

    /** The exit code, once the process has exited within {@code deadline}; an exception otherwise. */
    public final int waitForExit(final Duration deadline) {
        return child.waitForExit(deadline);
    }

    /** The first line of output, so far or until {@code deadline}, that contains {@code text}. */
    public final String awaitOutput(final String text, final Duration deadline) {
        return child.awaitOutput(Pattern.compile(Pattern.quote(text)), deadline);
    }

    /** The first line of output, so far or until {@code deadline}, in which {@code pattern} is found. */
    public final String awaitOutput(final Pattern pattern, final Duration deadline) {
        return child.awaitOutput(pattern, deadline);
    }

    /** Everything printed so far on stdout and stderr, one line per {@code \n}. */
    public final String output() {
        return child.output();
    }

    public final Path logFile() {
        return child.logFile();
    }

    /** SIGKILL if still alive, together with everything it started. */
    @Override
    public final void close() {
        child.close();
    }

    @Override
    public final String toString() {
        return child.toString();
    }
}
