package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.ItemCounts;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code realmctl check}: the character database against the invariants that rule out loss and
 * duplication; exit code 1 when any is broken, with the first rows that break it.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description =
                "Check the character database: ownership by live nodes, unique items, money explained by the ledger, "
                        + "items created, held and destroyed as the ledger says, stacks within limits, trades "
                        + "balanced, fencing, transfers settled, moves between realms whole and once; counts the "
                        + "items held and destroyed and the trades. Exit code 1 when an invariant is broken.")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    Realmctl root;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public Integer call() {
        final InvariantReport report;
        try (AdminClient client = root.admin()) {
            report = client.checkInvariants();
        }
        print(report, output, System.out);
        return report.getOk() ? 0 : 1;
    }

    /** The report as {@code output} asks: a table with the broken invariants' cases and the counts, or JSON. */
    static void print(final InvariantReport report, final Output output, final PrintStream out) {
        if (output == Output.JSON) {
            out.println(Output.json(report));
            return;
        }
        final Table table = new Table("INVARIANT", "OK", "CHECKED", "VIOLATIONS");
        for (final InvariantResult result : report.getResultsList()) {
            table.row(result.getName(), result.getOk() ? "yes" : "NO", result.getChecked(), result.getViolationCount());
        }
        table.print(out);
        for (final InvariantResult result : report.getResultsList()) {
            if (!result.getOk()) {
                out.printf("%n%s: %s%n", result.getName(), result.getDescription());
                result.getViolationsList().forEach(v -> out.println("  " + v));
                if (result.getViolationCount() > result.getViolationsCount()) {
                    out.printf("  ... and %d more%n", result.getViolationCount() - result.getViolationsCount());
                }
            }
        }
        final ItemCounts items = report.getItems();
        out.printf(
                Locale.ROOT,
                "%nitems: %,d held by %,d characters, %,d destroyed, %,d trades%n",
                items.getHeld(),
                items.getHolders(),
                items.getDestroyed(),
                items.getTrades());
        out.printf(
                "live nodes: %s%n",
                report.getLiveNodesList().isEmpty() ? "none" : String.join(", ", report.getLiveNodesList()));
    }
}
