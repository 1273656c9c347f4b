package io.realmcluster.common.cli;

import java.util.concurrent.CountDownLatch;

/** How a long-running binary ends: on SIGTERM or Ctrl-C its parts close in order, then the process exits. */
public final class Daemon {
    private Daemon() {}

    /** Block until the JVM is asked to stop, closing {@code process} on the way out. */
    public static int runUntilStopped(final String name, final AutoCloseable process) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
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
}
