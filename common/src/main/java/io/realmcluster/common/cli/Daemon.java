package io.realmcluster.common.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running binary ends: on SIGTERM or Ctrl-C its parts close in order, then the process exits. A stop
 * that hangs is not waited for forever: after {@link #DUMP_AFTER} its threads are printed (what it waits for),
 * after {@link #HALT_AFTER} the process halts, so that a supervisor or a rolling restart goes on.
 */
public final class Daemon {
    /** A stop still going after this long prints the threads: one step of it waits for something. */
    static final Duration DUMP_AFTER = Duration.ofSeconds(30);
    /** A stop still going after this long is given up: the process halts (exit code 1). */
    static final Duration HALT_AFTER = Duration.ofSeconds(90);

    private Daemon() {}

    /** Block until the JVM is asked to stop, closing {@code process} on the way out. */
    public static int runUntilStopped(final String name, final AutoCloseable process) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            watch(
                                    name,
                                    stopped,
                                    DUMP_AFTER,
                                    HALT_AFTER,
                                    System.err,
                                    () -> Runtime.getRuntime().halt(1));
                            try {
                                process.close();
                            } catch (final Exception e) {
                                System.err.println(name + ": error while stopping: " + CommandLines.describe(e));
                            } finally {
                                stopped.countDown();
                            }
                        },
                        name + "-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Watch a stop that ends with {@code stopped}: past {@code dumpAfter}, print every thread to {@code err}; past
     * {@code haltAfter}, say so and run {@code halt}. On a daemon thread of its own.
     */
    static Thread watch(
            final String name,
            final CountDownLatch stopped,
            final Duration dumpAfter,
            final Duration haltAfter,
            final PrintStream err,
            final Runnable halt) {
        final Thread watchdog = new Thread(
                () -> {
                    try {
                        if (stopped.await(dumpAfter.toMillis(), TimeUnit.MILLISECONDS)) {
                            return;
                        }
                        err.println(name + ": still stopping after " + dumpAfter.toSeconds() + " s; its threads:");
                        err.print(threads());
                        err.flush();
                        if (stopped.await(haltAfter.minus(dumpAfter).toMillis(), TimeUnit.MILLISECONDS)) {
                            return;
                        }
                        err.println(name + ": not stopped after " + haltAfter.toSeconds() + " s; halting");
                        err.flush();
                        halt.run();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name + "-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** Every thread with its stack and the lock it waits for, as jstack prints them (each stack in full). */
    static String threads() {
        final StringBuilder out = new StringBuilder();
        for (final ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                out.append(" owned by \"").append(info.getLockOwnerName()).append('"');
            }
            out.append('\n');
            for (final StackTraceElement frame : info.getStackTrace()) {
                out.append("\tat ").append(frame).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
