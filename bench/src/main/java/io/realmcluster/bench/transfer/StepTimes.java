package io.realmcluster.bench.transfer;

import org.HdrHistogram.Histogram;

/** A run's step times (ns). */
record StepTimes(Histogram save, Histogram offer, Histogram claim) {}
