package io.realmcluster.dataplane.transfer;

import java.util.concurrent.locks.LockSupport;

/**
 * How a transfer's thread waits out a backoff or a full ring: it parks; a test's fake moves its clock
 * instead, so that retries and deadlines need no real time.
 */
@FunctionalInterface
interface Pause {
    /** Park the calling thread. */
    Pause PARK = LockSupport::parkNanos;

    /** Wait about {@code nanos}; may return early. */
    void pauseNanos(long nanos);
}
