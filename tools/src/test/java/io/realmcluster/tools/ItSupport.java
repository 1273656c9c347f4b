package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** What the process tests share: names that do not collide, bots in the background, a node's metrics, SQL. */
final class ItSupport {
    private static final Pattern METRICS = Pattern.compile("metrics on http://(\\S+)/metrics");

    private ItSupport() {}

    /** A bot name prefix: {@code start} and three random letters, so runs against one database do not collide. */
    static String prefix(final String start) {
        final StringBuilder s = new StringBuilder(start);
        for (int i = 0; i < 3; i++) {
            s.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return s.toString();
    }

    /** Run the fleet on a thread of its own; its report when it ends (after {@link BotFleet#stop()}). */
    static CompletableFuture<BotReport> inBackground(final BotFleet fleet) {
        final CompletableFuture<BotReport> report = new CompletableFuture<>();
        final Thread thread = new Thread(
                () -> {
                    try {
                        report.complete(fleet.run());
                    } catch (final Throwable e) {
                        report.completeExceptionally(e);
                    }
                },
                "bots");
        thread.setDaemon(true);
        thread.start();
        return report;
    }

    /** Where the node serves its metrics, from its log. */
    static String metricsAddress(final JavaProcess node) {
        final Matcher matcher = METRICS.matcher(node.output());
        assertThat(matcher.find())
                .as("the node logs its metrics address: " + node.output())
                .isTrue();
        return matcher.group(1);
    }

    /** The one number a query answers, e.g. {@code SELECT count(*) ...}. */
    static long number(final DataSource database, final String sql) throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    static int update(final DataSource database, final String sql) throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }
}
