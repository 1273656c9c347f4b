package io.realmcluster.bench.cluster;

import io.realmcluster.tools.metrics.Scrape;
import java.io.IOException;

/** How a bench node's tick threads are scheduled: at ordinary priority, or at real-time priority (needs root or CAP_SYS_NICE). */
public enum TickPriority {
    ordinary,
    realtime;

    /** The node's --tick-realtime-priority in the realtime runs: above the kernel's own threaded work at 1, far below 50. */
    public static final int REALTIME = 10;

    /** The node's arguments for this priority. */
    public String[] nodeArgs() {
        return this == realtime ? new String[] {"--tick-realtime-priority", Integer.toString(REALTIME)} : new String[0];
    }

    /** Fail unless a node started with {@link #nodeArgs} got what it asked for, by its metrics at {@code metrics}. */
    public void check(final String metrics) throws IOException, InterruptedException {
        if (this == realtime && Scrape.of(metrics).sum("realm_node_tick_realtime_threads") < 1) {
            throw new IllegalStateException("the node's tick threads did not get real-time priority (its log says why; "
                    + "run as root or with CAP_SYS_NICE), or leave realtime out of --tick-priority");
        }
    }
}
