package io.realmcluster.dataplane.tick;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Optional;

/**
 * A real-time scheduling priority (Linux {@code SCHED_FIFO}) for the thread that calls it: such a
 * thread runs as soon as it wakes, ahead of every ordinary thread of the machine, and keeps its
 * core until it parks again. A tick thread computes for a few milliseconds a tick and otherwise
 * sleeps (waking each half millisecond to look at the clock), so on a machine busy with network
 * threads, the database and the kernel's loopback traffic its ticks last what they compute instead
 * of waiting for a core. The kernel keeps 5% of each second for ordinary threads
 * (sched_rt_runtime_us), so a tick that never parks cannot lock the machine up, but it can starve
 * the node's own network threads: use it only for threads that park.
 *
 * <p>Setting it needs CAP_SYS_NICE (root) or an RLIMIT_RTPRIO at least the priority. Threads
 * forked by a real-time thread start ordinary ({@code SCHED_RESET_ON_FORK}).
 */
public final class RealtimePriority {
    public static final int MIN = 1;
    public static final int MAX = 99;
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    private static final int SCHED_RESET_ON_FORK = 0x4000_0000;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final int EINVAL = 22;
    /** setpriority's {@code which} for one task: with {@code who} 0, on Linux, the calling thread alone. */
    private static final int PRIO_PROCESS = 0;

    /** The C library's scheduling calls, through JNA; null off Linux or where it cannot load. */
    private static final Scheduler SCHEDULER = load();

    /** {@code sched_setscheduler(2)}, {@code setpriority(2)} and their getters; pid (who) 0 is the calling thread. */
    interface Scheduler extends Library {
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

        int sched_getscheduler(int pid) throws LastErrorException;

        int setpriority(int which, int who, int prio) throws LastErrorException;

        int getpriority(int which, int who) throws LastErrorException;
    }

    private RealtimePriority() {}

    /**
     * Put the calling thread at SCHED_FIFO {@code priority}; returns empty when it took, else why
     * not, in words an operator can act on.
     */
    public static Optional<String> applyToCurrentThread(final int priority) {
        requireValid(priority, "real-time priority");
        if (SCHEDULER == null) {
            return Optional.of("real-time priority needs Linux's sched_setscheduler, not available on "
                    + System.getProperty("os.name"));
        }
        try {
            SCHEDULER.sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, new int[] {priority});
            return Optional.empty();
        } catch (final LastErrorException e) {
            return Optional.of(
                    switch (e.getErrorCode()) {
                        case EPERM ->
                            "the kernel refused SCHED_FIFO " + priority + ": the node needs CAP_SYS_NICE (root) or an "
                                    + "RLIMIT_RTPRIO of at least " + priority + " (ulimit -r " + priority
                                    + ", systemd LimitRTPRIO="
                                    + priority + "), and in a container real-time time granted to its cgroup";
                        case EINVAL -> "the kernel refused SCHED_FIFO " + priority + " as invalid";
                        default -> "sched_setscheduler failed with errno " + e.getErrorCode();
                    });
        }
    }

    /** {@code priority} when it is one SCHED_FIFO takes; else an error naming {@code what}. */
    public static int requireValid(final int priority, final String what) {
        if (priority < MIN || priority > MAX) {
            throw new IllegalArgumentException(what + " must be " + MIN + " to " + MAX + ", got " + priority);
        }
        return priority;
    }

    /**
     * Give the calling thread a nice value (an ordinary thread's weight in the fair scheduler: -10 weighs
     * about 9 times as much as 0, -20 the most); returns empty when it took, else why not.
     */
    public static Optional<String> niceCurrentThread(final int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice must be -20 to 19, got " + nice);
        }
        if (SCHEDULER == null) {
            return Optional.of("a thread's nice value needs Linux's setpriority, not available on "
                    + System.getProperty("os.name"));
        }
        try {
            SCHEDULER.setpriority(PRIO_PROCESS, 0, nice);
            return Optional.empty();
        } catch (final LastErrorException e) {
            return Optional.of(
                    e.getErrorCode() == EPERM || e.getErrorCode() == EACCES
                            ? "the kernel refused nice " + nice
                                    + ": the node needs CAP_SYS_NICE (root) or an RLIMIT_NICE of at least "
                                    + (20 - nice) + " (systemd LimitNICE=" + nice + ")"
                            : "setpriority failed with errno " + e.getErrorCode());
        }
    }

    /** The calling thread's nice value, or {@link Integer#MIN_VALUE} when unknown. */
    public static int niceOfCurrentThread() {
        if (SCHEDULER == null) {
            return Integer.MIN_VALUE;
        }
        try {
            return SCHEDULER.getpriority(PRIO_PROCESS, 0);
        } catch (final LastErrorException e) {
            return Integer.MIN_VALUE;
        }
    }

    /** The calling thread's scheduling policy ({@link #SCHED_OTHER}, {@link #SCHED_FIFO}, ...), -1 when unknown. */
    public static int policyOfCurrentThread() {
        if (SCHEDULER == null) {
            return -1;
        }
        try {
            return SCHEDULER.sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
        } catch (final LastErrorException e) {
            return -1;
        }
    }

    private static Scheduler load() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            return Native.load("c", Scheduler.class);
        } catch (final UnsatisfiedLinkError e) {
            return null;
        }
    }
}
