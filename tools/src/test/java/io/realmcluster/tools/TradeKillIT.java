package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A node process dies (halts, as a crash would) at each step of a trade between two players on its map:
 * the trade landed whole or not at all. Each item is held once, by the side the outcome says; the money
 * of the two is what it was; the ledger explains both (the invariant checker passes).
 */
class TradeKillIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "goldshire-inn";
    private static final long COPPER = 500;
    private static final long OFFERED = 120;
    /** The giver's bag slot put up for trade: the backpack's first. */
    private static final int OFFERED_SLOT = 23;

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    @ParameterizedTest(name = "the node dies at {0}")
    @CsvSource({
        "trade-after-accept, false",
        "trade-between-halves, false",
        "trade-before-commit, false",
        "trade-after-commit, true"
    })
    void aNodeDyingAtAnyStepOfATradeLandsItWholeOrNotAtAll(final String step, final boolean lands) throws Exception {
        final DatabaseRealm realm = cluster.start();
        final PostgresProcess postgres = cluster.postgres();
        final DataSource db = postgres.dataSource();
        final List<String> failpoint = List.of("-Drealm.failpoint=" + step);
        final JavaProcess node = realm.node("continents", failpoint);
        realm.awaitContinentsOn("continents");
        final String prefix = ItSupport.prefix("Tr");
        final String giver = BotNames.character(prefix, 0);
        final String taker = BotNames.character(prefix, 1);
        create(realm, BotNames.account(prefix, 0), giver);
        create(realm, BotNames.account(prefix, 1), taker);
        final String giverRow = "FROM character WHERE name = '" + giver + "'";
        final String takerRow = "FROM character WHERE name = '" + taker + "'";
        final List<String> given = ItSupport.giveFullBags(db, giverRow);
        ItSupport.update(
                db,
                "WITH c AS (UPDATE character SET money = " + COPPER + " WHERE name = '" + giver
                        + "' RETURNING character_id, epoch) INSERT INTO ledger (character_id, money_delta, source, node, epoch) "
                        + "SELECT character_id, " + COPPER + ", 'gm', 'test', epoch FROM c");
        final long offeredItem = Long.parseLong(given.stream()
                .filter(item -> item.endsWith("@" + OFFERED_SLOT))
                .findFirst()
                .orElseThrow()
                .split(" ")[0]);

        // Its entity id on the map: the realm's first, so the character's id.
        final long takerEntity = ItSupport.number(db, "SELECT character_id " + takerRow);
        final Path ca = realm.binaries().pki().caCertificate();
        try (RawGameClient a = ItSupport.enterWorld(realm, ca, BotNames.account(prefix, 0), PASSWORD, giver);
                RawGameClient b = ItSupport.enterWorld(realm, ca, BotNames.account(prefix, 1), PASSWORD, taker)) {
            a.await(ClientProtocol.WORLD_ENTERED);
            b.await(ClientProtocol.WORLD_ENTERED);
            a.send(o -> ClientMessages.tradeOpen(o, ClientProtocol.LENGTH_PREFIX, takerEntity));
            b.await(ClientProtocol.TRADE_STATE);
            a.send(o -> ClientMessages.tradePut(o, ClientProtocol.LENGTH_PREFIX, 0, OFFERED_SLOT));
            a.send(o -> ClientMessages.tradeMoney(o, ClientProtocol.LENGTH_PREFIX, OFFERED));
            // Each side accepts the version that shows the item and the money, as a player would.
            final int seenByA =
                    offerShown(a, ClientProtocol.TRADE_STATE_YOUR_COUNT, ClientProtocol.TRADE_STATE_YOUR_MONEY);
            final int seenByB =
                    offerShown(b, ClientProtocol.TRADE_STATE_THEIR_COUNT, ClientProtocol.TRADE_STATE_THEIR_MONEY);
            assertThat(seenByA).isEqualTo(seenByB);
            a.send(o -> ClientMessages.tradeAccept(o, ClientProtocol.LENGTH_PREFIX, seenByA));
            b.send(o -> ClientMessages.tradeAccept(o, ClientProtocol.LENGTH_PREFIX, seenByB));
            await().atMost(DEADLINE).until(() -> !node.isAlive());
        }
        assertThat(node.output()).contains("failpoint " + step + " reached");
        // The node comes back (a supervisor restarts it) and gives back what its crashed run held.
        realm.node("continents", failpoint);
        await().atMost(DEADLINE)
                .until(() -> ItSupport.number(
                                db,
                                "SELECT count(*) FROM character WHERE name IN ('" + giver + "', '" + taker
                                        + "') AND state = 'OFFLINE'")
                        == 2);
        assertThat(ItSupport.number(
                        db, "SELECT sum(money) FROM character WHERE name IN ('" + giver + "', '" + taker + "')"))
                .as("the money of the two is what it was")
                .isEqualTo(COPPER);
        assertThat(ItSupport.number(
                        db,
                        "SELECT count(*) FROM item WHERE item_id = " + offeredItem + " AND character_id = "
                                + "(SELECT character_id " + (lands ? takerRow : giverRow) + ")"))
                .as("the item offered is held once, by the side the outcome says")
                .isEqualTo(1);
        assertThat(ItSupport.number(db, "SELECT money " + takerRow)).isEqualTo(lands ? OFFERED : 0);
        assertThat(ItSupport.number(db, "SELECT count(*) FROM ledger WHERE source = 'trade'"))
                .isEqualTo(lands ? 2 : 0);
        try (AdminClient admin = realm.admin(10_000)) {
            final InvariantReport check = admin.checkInvariants();
            assertThat(check.getOk()).as(check.toString()).isTrue();
        }
    }

    /** A human warrior of {@code account}, named {@code name}: every one stands at the human start. */
    private static void create(final DatabaseRealm realm, final String account, final String name) throws Exception {
        try (AdminClient admin = realm.admin(5_000)) {
            admin.createAccount(CreateAccountRequest.newBuilder()
                    .setName(account)
                    .setPassword(PASSWORD)
                    .build());
            admin.createCharacter(CreateCharacterRequest.newBuilder()
                    .setAccount(account)
                    .setRealm("main")
                    .setName(name)
                    .setRace(1)
                    .setClass_(1)
                    .build());
        }
    }

    /** The version of the first TRADE_STATE that shows one item and the money offered on the giver's side. */
    private static int offerShown(final RawGameClient client, final int countAt, final int moneyAt) throws Exception {
        while (true) {
            final UnsafeBuffer state = new UnsafeBuffer(client.await(ClientProtocol.TRADE_STATE));
            if ((state.getByte(countAt) & 0xFF) == 1 && state.getLong(moneyAt) == OFFERED) {
                return state.getInt(ClientProtocol.TRADE_STATE_VERSION);
            }
        }
    }
}
