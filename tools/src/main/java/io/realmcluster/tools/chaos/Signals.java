package io.realmcluster.tools.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signals to processes by pid, as an operator's {@code kill -s SIG PID} sends them (the JDK sends only
 * SIGTERM and SIGKILL): SIGSTOP and SIGCONT pause a process without its knowing, as a stalled VM or a
 * long GC pause would.
 */
final class Signals {
    private static final long DEADLINE_SECONDS = 5;

    private Signals() {}

    /** Send {@code signal} (STOP, CONT, KILL) to {@code pid}; false when it is gone already. */
    static boolean send(final String signal, final long pid) {
        final Process kill;
        try {
            kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run kill -s " + signal + " " + pid, e);
        }
        try {
            if (!kill.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException(
                        "kill -s " + signal + " " + pid + " did not finish in " + DEADLINE_SECONDS + " s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal + " to " + pid, e);
        }
        return kill.exitValue() == 0;
    }

    /** {@code pid} and every process it started (PostgreSQL's backends under its postmaster), parent first. */
    static List<Long> withDescendants(final long pid) {
        final List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(parent -> parent.descendants().forEach(child -> pids.add(child.pid())));
        return pids;
    }
}
