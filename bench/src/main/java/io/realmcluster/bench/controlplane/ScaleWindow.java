package io.realmcluster.bench.controlplane;

import org.HdrHistogram.Histogram;

/** What one window of steady churn cost. */
record ScaleWindow(
        Histogram creates,
        int failed,
        double writesPerSecond,
        double inKiBPerSecond,
        double outKiBPerSecond,
        double leaderCpuPercent,
        double heartbeatsPerSecond,
        double dbMiB) {}
