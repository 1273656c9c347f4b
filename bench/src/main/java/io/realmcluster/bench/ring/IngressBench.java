package io.realmcluster.bench.ring;

import io.realmcluster.bench.Conditions;
import io.realmcluster.dataplane.pipeline.Inputs;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench ingress}: runs {@link IngressThroughput} with JMH for every queue, with 2 and
 * with 1 producer threads, and prints messages/s side by side with the ratio to ArrayBlockingQueue.
 */
@Command(
        name = "ingress",
        mixinStandardHelpOptions = true,
        description = "Map ingress throughput (JMH): Agrona ring vs ArrayBlockingQueue, JCTools MPSC, LMAX Disruptor.")
public final class IngressBench implements Callable<Integer> {
    @Option(names = "--quick", description = "Smoke run: 1 fork, 1 warm-up and 2 measured iterations of 1 s.")
    boolean quick;

    @Option(
            names = "--producers",
            split = ",",
            defaultValue = "2,1",
            description = "Producer thread counts to run, one consumer each (default: ${DEFAULT-VALUE}).")
    List<Integer> producerCounts;

    @Option(names = "--forks", defaultValue = "2", description = "JMH forks per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "(default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(
            names = "--iterations",
            defaultValue = "5",
            description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--iteration-seconds", defaultValue = "2", description = "(default: ${DEFAULT-VALUE}).")
    int iterationSeconds;

    @Option(names = "--verbose", description = "Show JMH's own output (iterations, forks).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            forks = 1;
            warmupIterations = 1;
            iterations = 2;
            iterationSeconds = 1;
        }
        final List<String> forkFlags = forkJvmFlags(Runtime.version().feature());
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   movement inputs (%d-byte body), producers %s + 1 consumer draining batches of %d; "
                        + "ring %d KiB (%d inputs), other queues %d slots%n",
                Inputs.MOVE_LENGTH,
                producerCounts,
                IngressCandidate.BATCH,
                IngressCandidate.RING_BYTES / 1024,
                IngressCandidate.AGRONA.create().capacityInMessages(),
                IngressCandidate.QUEUE_SLOTS);
        System.out.printf(
                "jmh:        %d fork(s) x (%d warm-up + %d measured iterations of %d s); fork flags: %s%n",
                forks, warmupIterations, iterations, iterationSeconds, String.join(" ", forkFlags));
        System.out.flush();

        final List<Row> rows = new ArrayList<>();
        for (final int producers : producerCounts) {
            final Map<IngressCandidate, Measured> measured = new EnumMap<>(IngressCandidate.class);
            for (final IngressCandidate candidate : IngressCandidate.values()) {
                System.err.printf("bench ingress: %s, %d producer(s)...%n", candidate.group(), producers);
                measured.put(candidate, run(candidate, producers, forkFlags));
            }
            final double baseline =
                    measured.get(IngressCandidate.ARRAY_BLOCKING_QUEUE).messages.getScore();
            measured.forEach(
                    (candidate, m) -> rows.add(new Row(candidate, producers, m, m.messages.getScore() / baseline)));
        }
        print(rows);
        return 0;
    }

    private Measured run(final IngressCandidate candidate, final int producers, final List<String> forkFlags)
            throws Exception {
        final Options options = new OptionsBuilder()
                .include(IngressThroughput.class.getName() + "\\." + candidate.group() + "$")
                // Methods of a group take threads in the order of their names: "...Offer" before "...Poll".
                .threadGroups(producers, 1)
                .forks(forks)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.seconds(iterationSeconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(iterationSeconds))
                // Set, not inherited: the fork gets the launcher's flags for its JDK, whatever started this JVM.
                .jvmArgs(forkFlags.toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT)
                .build();
        final RunResult result = new Runner(options).runSingle();
        return new Measured(secondary(result, "messages"), secondary(result, "gc.alloc.rate"));
    }

    private static Result<?> secondary(final RunResult result, final String label) {
        return result.getSecondaryResults().get(label);
    }

    /** What bin/lib/common.sh's jvm_flags gives the launcher on a JDK of this feature version. */
    static List<String> forkJvmFlags(final int javaFeature) {
        final List<String> flags = new ArrayList<>(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (javaFeature >= 21) {
            flags.add("-XX:+UseZGC");
            if (javaFeature < 23) {
                flags.add("-XX:+ZGenerational");
            }
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        if (javaFeature >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    private static void print(final List<Row> rows) {
        System.out.println();
        System.out.println("ingress throughput, messages/s taken by the consumer (score ± 99.9% CI)");
        System.out.printf("%-28s %9s %24s %8s %12s%n", "queue", "producers", "messages/s", "vs ABQ", "alloc B/msg");
        for (final Row row : rows) {
            final Result<?> messages = row.measured.messages;
            System.out.printf(
                    "%-28s %9d %24s %7.2fx %12s%n",
                    row.candidate.create().label(),
                    row.producers,
                    millions(messages.getScore()) + " ± " + millions(messages.getScoreError()),
                    row.ratio,
                    bytesPerMessage(row.measured));
        }
    }

    private static String millions(final double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format("%.2f M", perSecond / 1e6);
    }

    /** JMH reports the allocation rate in MB/s (2^20 bytes) for the whole group; per message is the readable form. */
    private static String bytesPerMessage(final Measured m) {
        if (m.allocation == null || m.messages.getScore() <= 0) {
            return "n/a";
        }
        return String.format("%.1f", m.allocation.getScore() * 1024 * 1024 / m.messages.getScore());
    }

    private record Measured(Result<?> messages, Result<?> allocation) {}

    private record Row(IngressCandidate candidate, int producers, Measured measured, double ratio) {}
}
