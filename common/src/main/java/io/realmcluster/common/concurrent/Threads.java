package io.realmcluster.common.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * {@code threads} daemon threads named {@code name-N} with at most {@code queue} tasks waiting: a task past
     * that is refused ({@link RejectedExecutionException}) at once, so a flood of work neither grows threads nor
     * memory and the caller can answer "busy".
     */
    public static ThreadPoolExecutor boundedPool(final String name, final int threads, final int queue) {
        final AtomicInteger next = new AtomicInteger();
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue),
                r -> {
                    final Thread thread = new Thread(r, name + "-" + next.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
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
