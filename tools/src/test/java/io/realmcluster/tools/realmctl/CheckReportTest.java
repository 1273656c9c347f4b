package io.realmcluster.tools.realmctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.InvariantResult;
import io.realmcluster.proto.v1.ItemCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** realmctl check's output: the table, the broken invariants' cases, and the items counted, for people and scripts. */
class CheckReportTest {
    private static final InvariantReport REPORT = InvariantReport.newBuilder()
            .setOk(false)
            .addResults(InvariantResult.newBuilder()
                    .setName("trades_balanced")
                    .setDescription("every trade has two ledger entries")
                    .setOk(false)
                    .setChecked(12)
                    .setViolationCount(3)
                    .addViolations("trade 7f: 1 ledger entries, not two"))
            .setItems(ItemCounts.newBuilder()
                    .setHeld(4_321)
                    .setHolders(30)
                    .setDestroyed(17)
                    .setTrades(12))
            .addLiveNodes("node-1")
            .build();

    @Test
    void theTableEndsWithTheItemsCounted() {
        final String printed = print(Output.TABLE);

        assertThat(printed)
                .contains("trades_balanced", "  trade 7f: 1 ledger entries, not two", "  ... and 2 more")
                .contains("items: 4,321 held by 30 characters, 17 destroyed, 12 trades")
                .contains("live nodes: node-1");
    }

    @Test
    void theJsonCarriesTheItemsCounted() {
        assertThat(print(Output.JSON))
                .contains("\"items\": {")
                .contains("\"held\": \"4321\"", "\"holders\": \"30\"", "\"destroyed\": \"17\"", "\"trades\": \"12\"");
    }

    private static String print(final Output output) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CheckCommand.print(REPORT, output, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
