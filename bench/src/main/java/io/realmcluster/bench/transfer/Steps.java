package io.realmcluster.bench.transfer;

import org.HdrHistogram.Recorder;

/**
 * A move's steps as it runs, from every thread: the source's save, the Offer's round trip, the
 * target's claim (or, in the baseline, the login's).
 */
record Steps(Recorder save, Recorder offer, Recorder claim) {
    /** What was recorded since the last call. */
    StepTimes take() {
        return new StepTimes(save.getIntervalHistogram(), offer.getIntervalHistogram(), claim.getIntervalHistogram());
    }
}
