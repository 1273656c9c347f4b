package io.realmcluster.common.concurrent;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/** Threads that own a duty: one per duty, named after it, so a thread dump reads as the architecture. */
public final class Threads {
    private Threads() {}

    /** A single daemon thread named {@code name} that runs tasks in order, now or later. */
    public static ScheduledExecutorService singleThread(final String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Run {@code task} on {@code executor} unless it is shutting down (then the task is moot). */
    public static void executeUnlessClosed(final ScheduledExecutorService executor, final Runnable task) {
        try {
            executor.execute(task);
        } catch (final RejectedExecutionException ignored) {
            // Closing: nothing left to do.
        }
    }
}
