package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.world.Portals;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

    /**
     * Give the character {@code where} selects (a {@code FROM character WHERE ...} clause) a full backpack
     * and a weapon and a vest, with the ledger entry that created them (source 'gm', as an operator's grant
     * would be): its items as {@link #items} lists them.
     */
    static List<String> giveFullBags(final DataSource database, final String where) throws SQLException {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS grant_items (template_id INTEGER, slot SMALLINT)");
            statement.execute("DELETE FROM grant_items");
            // A sword and a vest worn; Linen Cloth and Minor Healing Potions in stacks of one to their largest.
            final StringBuilder rows = new StringBuilder("INSERT INTO grant_items VALUES (25, %d), (193, %d)"
                    .formatted(InventorySlots.MAIN_HAND, InventorySlots.CHEST));
            for (int slot = InventorySlots.BACKPACK_START; slot < InventorySlots.BAG_CONTENTS_START; slot++) {
                rows.append(", (%d, %d)".formatted(slot % 2 == 0 ? 2589 : 118, slot));
            }
            statement.execute(rows.toString());
            statement.execute("WITH c AS (SELECT character_id, epoch " + where + "), "
                    + "i AS (INSERT INTO item (character_id, template_id, count, slot) "
                    + "SELECT c.character_id, g.template_id, CASE g.template_id WHEN 2589 THEN 1 + g.slot % 20 "
                    + "WHEN 118 THEN 1 + g.slot % 5 ELSE 1 END, g.slot FROM c, grant_items g RETURNING item_id) "
                    + "INSERT INTO ledger (character_id, items_created, source, node, epoch) "
                    + "SELECT c.character_id, (SELECT array_agg(item_id) FROM i), 'gm', 'test', c.epoch FROM c");
            connection.commit();
        }
        return items(database, where);
    }

    /** The items of the character {@code where} selects, one line each: id, template, count, slot. */
    static List<String> items(final DataSource database, final String where) throws SQLException {
        final List<String> items = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT item_id || ' ' || template_id || ' x' || count || ' @' || slot FROM item "
                                + "WHERE character_id = (SELECT character_id " + where + ") ORDER BY slot")) {
            while (rows.next()) {
                items.add(rows.getString(1));
            }
        }
        return items;
    }

    /**
     * Log {@code character} of {@code account} in through the realm's Login (trusting the realm's CA at
     * {@code ca}), connect to the node it names, HELLO, and ENTER_WORLD: the client, its WORLD_ENTERED to come.
     */
    static RawGameClient enterWorld(
            final DatabaseRealm realm,
            final Path ca,
            final String account,
            final String password,
            final String character)
            throws Exception {
        final Duration deadline = Duration.ofSeconds(60);
        final GrpcTls playerTls = GrpcTls.trusting(ca);
        final ManagedChannel channel = Channels.forTargets(List.of(realm.login()), 30, playerTls.channel());
        try {
            final LoginGrpc.LoginBlockingStub login = LoginGrpc.newBlockingStub(channel);
            final LoginResponse response = await().atMost(deadline)
                    .ignoreExceptionsMatching(e -> e instanceof StatusRuntimeException s
                            && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                    .until(
                            () -> login.withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .login(LoginRequest.newBuilder()
                                            .setAccount(account)
                                            .setPassword(password)
                                            .setCharacter(character)
                                            .build()),
                            r -> true);
            final RawGameClient player = new RawGameClient(
                    response.getNodeClient().getHost(), response.getNodeClient().getPort(), deadline, ca);
            final byte[] token = response.getSessionToken().toByteArray();
            player.send(b -> ClientMessages.hello(b, ClientProtocol.LENGTH_PREFIX, ClientProtocol.VERSION, token));
            player.await(ClientProtocol.WELCOME);
            player.send(b -> ClientMessages.enterWorld(b, ClientProtocol.LENGTH_PREFIX, response.getInstanceId()));
            return player;
        } finally {
            Channels.close(channel);
            playerTls.close();
        }
    }

    /**
     * The account and a human of {@code prefix} (index 0), made by the operator's API, {@code yards} south of
     * {@code portal}: a character a test walks into that portal.
     */
    static void createNear(
            final AdminClient admin,
            final DataSource database,
            final String prefix,
            final String password,
            final Portals.Portal portal,
            final float yards)
            throws SQLException {
        admin.createAccount(CreateAccountRequest.newBuilder()
                .setName(BotNames.account(prefix, 0))
                .setPassword(password)
                .build());
        admin.createCharacter(CreateCharacterRequest.newBuilder()
                .setAccount(BotNames.account(prefix, 0))
                .setRealm("main")
                .setName(BotNames.character(prefix, 0))
                .setRace(1)
                .setClass_(1)
                .build());
        if (update(
                        database,
                        "UPDATE character SET x = " + portal.x() + ", y = " + (portal.y() + yards)
                                + " WHERE lower(name) = '"
                                + BotNames.character(prefix, 0).toLowerCase(java.util.Locale.ROOT) + "'")
                != 1) {
            throw new IllegalStateException("the character of " + prefix + " was not made");
        }
    }
}
