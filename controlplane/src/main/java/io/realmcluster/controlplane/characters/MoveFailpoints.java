package io.realmcluster.controlplane.characters;

import java.util.List;
import java.util.function.Consumer;

/**
 * Named steps of a character's move to another realm where a test can make the control plane die on
 * the spot, as a crash would: start its JVM with {@code -Drealm.failpoint=STEP} and it halts (exit
 * code 137, nothing flushed) the first time a move reaches that step. Only that flag arms one, and
 * an armed control plane says so at start. In-process tests pass their own step hook to {@link RealmMoves}.
 */
public final class MoveFailpoints {
    /** The source row is MOVING (durable), nothing is in the target yet. */
    public static final String AFTER_MARK = "move-after-mark";
    /** The character landed in the target (durable); the source is still MOVING. */
    public static final String AFTER_LANDING = "move-after-landing";
    /** The source is a tombstone (durable); the caller has not heard yet. */
    public static final String AFTER_TOMBSTONE = "move-after-tombstone";

    /** Every step, in the order a move reaches them. */
    public static final List<String> STEPS = List.of(AFTER_MARK, AFTER_LANDING, AFTER_TOMBSTONE);

    private static final String ARMED = System.getProperty("realm.failpoint");

    /** The hook of a control plane: halts at the armed step, if any. */
    public static final Consumer<String> HALT = MoveFailpoints::reach;

    private MoveFailpoints() {}

    /** What a control plane started with one of these armed says at start (null when none is). */
    public static String warning() {
        return ARMED != null && STEPS.contains(ARMED)
                ? "failpoint " + ARMED + " is armed (-Drealm.failpoint): this control plane halts when a character's "
                        + "move gets there; tests only"
                : null;
    }

    private static void reach(final String step) {
        if (ARMED != null && ARMED.equals(step)) {
            System.err.println("failpoint " + step + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
