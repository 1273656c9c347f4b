package io.realmcluster.tools.localcluster;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps the launcher's children running, as systemd's {@code Restart=on-failure} would: a child that
 * exits without being asked is started again after the {@link RestartBackoff} delay, and the launcher
 * says so; an exit that {@code rollout restart} marked as wanted is restarted at once, uncounted.
 * One thread, {@code local-cluster-supervisor}, watches and restarts; {@link #stop()} ends it before
 * the launcher stops the children, so that nothing is restarted while the cluster stops.
 */
final class Supervisor {
    private static final long POLL_MILLIS = 100;
    private static final long BACK_CHECK_MILLIS = 1_000;
    private static final long STOP_DEADLINE_MILLIS = 30_000;
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    /**
     * Whether a restarted child is back, for the line that says so: the reason when it is (e.g.
     * "registered with the control plane"), null while it is not yet. Called on the supervisor's thread
     * once a second; a call that fails counts as not yet.
     */
    @FunctionalInterface
    interface BackCheck {
        String back(long restartedAtMillis) throws Exception;

        /** For a child whose restart returns only once it serves (etcd, PostgreSQL). */
        static BackCheck started(final String reason) {
            return restartedAt -> reason;
        }
    }

    private final PidFiles pids;
    private final PrintStream out;
    private final LongSupplier clock;
    private final RestartBackoff policy;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private Thread thread;

    Supervisor(final PidFiles pids, final PrintStream out, final LongSupplier clock, final RestartBackoff policy) {
        this.pids = pids;
        this.out = out;
        this.clock = clock;
        this.policy = policy;
    }

    /** Watch {@code process} from now on; its pid file is written at once. */
    void add(final SupervisedProcess process, final BackCheck back) {
        pids.write(process.name(), process.pid());
        children.add(new Child(process, back, policy.copy(), clock.getAsLong()));
    }

    /** Start the watching thread. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "local-cluster-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** No restart from now on; returns once a restart under way has finished. */
    void stop() {
        stopping = true;
        final Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(STOP_DEADLINE_MILLIS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** The children's pid files, removed once they have been stopped. */
    void clearPidFiles() {
        children.forEach(child -> pids.clear(child.process.name()));
    }

    /** One look at every child: what the watching thread does ten times a second. */
    void poll() {
        for (final Child child : children) {
            if (stopping) {
                return;
            }
            child.poll(clock.getAsLong());
        }
    }

    private void run() {
        while (!stopping) {
            try {
                poll();
            } catch (final RuntimeException e) {
                out.println("local-cluster: the supervisor's look at the children failed: " + e + "; looking again");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    /** One child's state: running (and maybe not back yet), or waiting for its restart. */
    private final class Child {
        private final SupervisedProcess process;
        private final BackCheck back;
        private final RestartBackoff backoff;
        private long upSinceMillis;
        /** When it is to start again; -1 while it runs. */
        private long restartAtMillis = -1;
        /** When it was last restarted, while its {@link BackCheck} has not said it is back; -1 otherwise. */
        private long awaitingBackSinceMillis = -1;

        private long nextBackCheckMillis;

        Child(final SupervisedProcess process, final BackCheck back, final RestartBackoff backoff, final long now) {
            this.process = process;
            this.back = back;
            this.backoff = backoff;
            this.upSinceMillis = now;
        }

        void poll(final long now) {
            if (restartAtMillis >= 0) {
                if (now >= restartAtMillis) {
                    restart(now);
                }
                return;
            }
            if (!process.isAlive()) {
                exited(now);
                return;
            }
            if (awaitingBackSinceMillis >= 0 && now >= nextBackCheckMillis) {
                nextBackCheckMillis = now + BACK_CHECK_MILLIS;
                checkBack();
            }
        }

        private void exited(final long now) {
            final String name = process.name();
            final String exit = process.exit();
            awaitingBackSinceMillis = -1;
            if (pids.takeRestartRequest(name)) {
                out.println("local-cluster: " + name + " exited with " + exit
                        + " for a rollout restart; starting it again now");
                restartAtMillis = now;
                return;
            }
            final long delay = backoff.onFailure(upSinceMillis, now);
            out.println("local-cluster: " + name + " exited with " + exit + "; restarting it in " + seconds(delay)
                    + " (restart " + backoff.restarts() + " since "
                    + CLOCK.format(Instant.ofEpochMilli(backoff.streakStartMillis())) + ")");
            restartAtMillis = now + delay;
        }

        private void restart(final long now) {
            final String name = process.name();
            try {
                process.restart();
            } catch (final RuntimeException e) {
                final long delay = backoff.onFailure(now, clock.getAsLong());
                out.println("local-cluster: " + name + " did not start again (" + firstLine(e) + "); next attempt in "
                        + seconds(delay) + " (restart " + backoff.restarts() + ")");
                restartAtMillis = clock.getAsLong() + delay;
                return;
            }
            restartAtMillis = -1;
            upSinceMillis = clock.getAsLong();
            pids.write(name, process.pid());
            out.println("local-cluster: " + name + " started again (pid " + process.pid() + ")");
            awaitingBackSinceMillis = now;
            nextBackCheckMillis = upSinceMillis;
        }

        private void checkBack() {
            final String reason;
            try {
                reason = back.back(awaitingBackSinceMillis);
            } catch (final Exception notYet) {
                return;
            }
            if (reason != null) {
                awaitingBackSinceMillis = -1;
                out.println("local-cluster: " + process.name() + " is back: " + reason);
            }
        }
    }

    private static String seconds(final long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String firstLine(final Throwable e) {
        final String message = e.getMessage() == null ? e.toString() : e.getMessage();
        final int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
