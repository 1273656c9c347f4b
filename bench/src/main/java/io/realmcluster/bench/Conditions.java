package io.realmcluster.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Instant;
import java.util.List;

/**
 * The conditions a benchmark ran under, printed at the top of every report so that numbers are
 * never read without them: JVM, flags, cores, memory, the machine's load when the run started.
 */
public final class Conditions {
    private Conditions() {}

    /** A few lines, e.g. for the head of a report in bench/RESULTS.md. */
    public static String describe() {
        final Runtime runtime = Runtime.getRuntime();
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        final List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return String.join(
                System.lineSeparator(),
                "date:       " + Instant.now(),
                "jvm:        " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "jvm flags:  " + String.join(" ", flags),
                "os:         " + os.getName() + " " + os.getVersion() + " " + os.getArch(),
                "cores:      " + runtime.availableProcessors(),
                "max heap:   " + runtime.maxMemory() / (1024 * 1024) + " MiB",
                "load (1m):  " + String.format("%.2f", os.getSystemLoadAverage()));
    }

    public static void main(final String[] args) {
        System.out.println(describe());
    }
}
