package io.realmcluster.tools.chaos;

import io.realmcluster.common.db.Database;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.realmctl.AdminClient;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One fault of a chaos run, start to verdict: inject it, wait until the cluster is whole again and every bot
 * is back in the world (or the deadline passes), then check what the players went through and what the
 * database holds.
 */
final class FaultRound {
    private final ChaosCluster cluster;
    private final BotFleet fleet;
    private final ChaosEvents events;
    private final FaultInjector injector;
    private final Duration settle;
    private final Duration stable;
    /** Saves a second over the last round's steady end (the cluster whole, every bot back); NaN before one. */
    private double steadySaves = Double.NaN;
    /** The reading at the start of the current settle's steady streak. */
    private SaveRate.Reading steadyFrom;

    /** The node ids by the address their players connect to: fixed ports, so fixed for the run. */
    private final Map<String, InetSocketAddress> nodeAddresses;

    FaultRound(
            final ChaosCluster cluster,
            final BotFleet fleet,
            final ChaosEvents events,
            final FaultInjector injector,
            final Duration settle,
            final Duration stable) {
        this.cluster = cluster;
        this.fleet = fleet;
        this.events = events;
        this.injector = injector;
        this.settle = settle;
        this.stable = stable;
        this.nodeAddresses = cluster.nodesByClientAddress().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    }

    FaultOutcome run(final int round, final Fault fault) throws InterruptedException {
        final String unavailable = injector.unavailable(fault);
        if (unavailable != null) {
            return FaultOutcome.skipped(round, fault, unavailable);
        }
        final int inWorld = fleet.inWorld();
        if (Double.isNaN(steadySaves)) {
            // The first round: the saves of a steady cluster over as long as a round's steady end.
            steadySaves = baselineSaves();
        }
        final double savesBefore = steadySaves;
        final SaveRate.Reading atFault = cluster.saves();
        final long started = System.nanoTime();
        final FaultInjector.Target target = injector.inject(fault);
        final long ended = System.nanoTime();
        final boolean settled = settle(inWorld);
        final double settleSeconds = (System.nanoTime() - ended) / 1e9;
        // From the fault to the cluster whole again with every bot back (the start of its steady streak).
        final double savesDuring = SaveRate.perSecond(atFault, steadyFrom);
        final InetSocketAddress faulted = target.faultedNode() == null ? null : nodeAddresses.get(target.faultedNode());
        final FaultOutcome.Window window = FaultOutcome.Window.of(
                events.breaksSince(started), events.backsSince(started), faulted, BotFleet.SPEED);
        final InvariantReport check = check();
        return new FaultOutcome(
                round,
                fault,
                target.name(),
                null,
                settleSeconds,
                settled,
                window.othersDisconnected(),
                window.examples(),
                window.faultedBroke(),
                window.faultedBack(),
                window.notBackExamples(),
                window.backMillis(),
                window.movementLostSeconds(),
                check != null && check.getOk(),
                check == null ? "the check could not run" : summary(check),
                lootMissing(),
                savesBefore,
                savesDuring);
    }

    private double baselineSaves() throws InterruptedException {
        final SaveRate.Reading from = cluster.saves();
        TimeUnit.NANOSECONDS.sleep(stable.toNanos());
        return SaveRate.perSecond(from, cluster.saves());
    }

    /**
     * Until the cluster is whole and as many bots are in the world as before, none on its way back, for
     * {@link #stable} in a row; false when that does not come within {@link #settle}.
     */
    private boolean settle(final int inWorld) throws InterruptedException {
        final long deadline = System.nanoTime() + settle.toNanos();
        long since = 0;
        steadyFrom = null;
        while (System.nanoTime() - deadline < 0) {
            final boolean whole = fleet.resuming() == 0 && fleet.inWorld() >= inWorld && cluster.whole();
            final long now = System.nanoTime();
            if (!whole) {
                since = 0;
                steadyFrom = null;
            } else if (since == 0) {
                since = now;
                steadyFrom = cluster.saves();
            } else if (now - since >= stable.toNanos()) {
                steadySaves = SaveRate.perSecond(steadyFrom, cluster.saves());
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return false;
    }

    /** {@code realmctl check}: the database's invariants, through the Admin API; null when it did not answer. */
    private InvariantReport check() {
        try (AdminClient admin = cluster.admin()) {
            return admin.checkInvariants();
        } catch (final RuntimeException e) {
            return null;
        }
    }

    private static String summary(final InvariantReport report) {
        return report.toString().replace('\n', ' ').strip();
    }

    /**
     * Copper the bots were told they looted durably beyond what the ledger holds for them: zero when every
     * LOOTED a bot saw is in the database (the ledger may hold more: a loot made durable whose LOOTED the
     * bot missed as its node died).
     */
    private long lootMissing() {
        final Map<String, Long> told = events.looted();
        if (told.isEmpty()) {
            return 0;
        }
        try (Database database = cluster.database();
                Connection connection = database.connection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT lower(c.name), coalesce(sum(l.money_delta) FILTER (WHERE l.source = 'loot'), 0)"
                                + " FROM character c LEFT JOIN ledger l ON l.character_id = c.character_id"
                                + " WHERE lower(c.name) = ANY(?) GROUP BY c.name")) {
            query.setArray(
                    1,
                    connection.createArrayOf(
                            "text",
                            told.keySet().stream()
                                    .map(name -> name.toLowerCase(Locale.ROOT))
                                    .toArray()));
            final Map<String, Long> ledger = new java.util.HashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ledger.put(rows.getString(1), rows.getLong(2));
                }
            }
            long missing = 0;
            for (final Map.Entry<String, Long> entry : told.entrySet()) {
                missing += Math.max(
                        0, entry.getValue() - ledger.getOrDefault(entry.getKey().toLowerCase(Locale.ROOT), 0L));
            }
            return missing;
        } catch (final SQLException | RuntimeException e) {
            throw new IllegalStateException("cannot read the ledger for the loot check: " + e.getMessage(), e);
        }
    }
}
