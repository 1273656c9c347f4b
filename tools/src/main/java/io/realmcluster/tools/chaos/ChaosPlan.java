package io.realmcluster.tools.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order a chaos run injects its faults in: every fault once in a random order drawn from the
 * seed, then again in another, round after round, so a run of any length covers each fault as
 * evenly as it can and the same seed replays the same order.
 */
public final class ChaosPlan {
    private final List<Fault> faults;
    private final Random random;
    private final List<Fault> round = new ArrayList<>();

    public ChaosPlan(final List<Fault> faults, final long seed) {
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("a chaos run needs at least one fault");
        }
        this.faults = List.copyOf(faults);
        this.random = new Random(seed);
    }

    /** The next fault to inject. */
    public Fault next() {
        if (round.isEmpty()) {
            round.addAll(faults);
            Collections.shuffle(round, random);
        }
        return round.remove(0);
    }
}
