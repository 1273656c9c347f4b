package io.realmcluster.bench.ring;

/**
 * What a thread does while its queue is full (producer) or empty (consumer), the same for every
 * queue under test: spin briefly, then yield, because on 2 cores a spinning thread may be holding
 * the core the other side needs.
 */
public final class Backoff {
    private static final int SPINS = 64;

    private int idles;

    /** One idle step; call {@link #reset()} after work is done. */
    public void idle() {
        if (++idles <= SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    public void reset() {
        idles = 0;
    }
}
