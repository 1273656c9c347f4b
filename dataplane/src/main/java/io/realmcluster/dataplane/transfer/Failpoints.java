package io.realmcluster.dataplane.transfer;

import java.util.List;

/**
 * Named steps of a transfer or a trade where a test can make the node process die on the spot, as a crash
 * would: start the node's JVM with {@code -Drealm.failpoint=STEP} and the process halts (exit code
 * 137, no shutdown hooks, nothing flushed) the first time it reaches that step. Only that explicit
 * flag on the command line arms one (no environment variable, nothing a running node can be told),
 * and an armed node says so at start. Unset, a failpoint is one comparison.
 */
public final class Failpoints {
    /** The source, once the freeze (IN_TRANSFER) is durable, before it offers the character. */
    public static final String SOURCE_AFTER_FREEZE = "source-after-freeze";
    /** The source, once the target accepted (and claimed), before the client is redirected. */
    public static final String SOURCE_AFTER_OFFER = "source-after-offer";
    /** The target, with an offer in hand, before its claim. */
    public static final String TARGET_BEFORE_CLAIM = "target-before-claim";
    /** The target, once its claim (the commit point) is durable, before it answers the offer. */
    public static final String TARGET_AFTER_CLAIM = "target-after-claim";

    /** A trade's map, both sides accepted, before it writes either half into the save log. */
    public static final String TRADE_AFTER_ACCEPT = "trade-after-accept";
    /** A trade's map, with the first half in the save log and the second not yet. */
    public static final String TRADE_BETWEEN_HALVES = "trade-between-halves";
    /** The saver, inside a trade's transaction: the first character's save written, the second's not. */
    public static final String TRADE_BEFORE_COMMIT = "trade-before-commit";
    /** The saver, once a trade's transaction committed, before either map hears of it. */
    public static final String TRADE_AFTER_COMMIT = "trade-after-commit";

    private static final List<String> STEPS = List.of(
            SOURCE_AFTER_FREEZE,
            SOURCE_AFTER_OFFER,
            TARGET_BEFORE_CLAIM,
            TARGET_AFTER_CLAIM,
            TRADE_AFTER_ACCEPT,
            TRADE_BETWEEN_HALVES,
            TRADE_BEFORE_COMMIT,
            TRADE_AFTER_COMMIT);
    private static final String ARMED = armed();

    private Failpoints() {}

    private static String armed() {
        return System.getProperty("realm.failpoint");
    }

    /** What a node started with a failpoint says at start (null when none is armed). */
    public static String warning() {
        if (ARMED == null) {
            return null;
        }
        return STEPS.contains(ARMED)
                ? "failpoint " + ARMED + " is armed (-Drealm.failpoint): this node halts when it gets there; tests only"
                : "-Drealm.failpoint=" + ARMED + " names no step (steps are " + STEPS + "); nothing is armed";
    }

    /** Halt here when this step is the armed one. */
    public static void reach(final String step) {
        if (ARMED != null && ARMED.equals(step)) {
            System.err.println("failpoint " + step + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
