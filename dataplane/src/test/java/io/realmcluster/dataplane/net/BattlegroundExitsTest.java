package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.transfer.Departures;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.MapWorld;
import io.realmcluster.dataplane.world.WorldSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

class BattlegroundExitsTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final ClaimedCharacter.BattlegroundEntry ENTRY =
            new ClaimedCharacter.BattlegroundEntry("match-1", 1, "", -618.5f, -4251.7f, 38.7f, 0f);

    @Test
    void aLeaveBeforeTheEndWaitsForARouteHomeThenSetsOffWithDeserterOnly() {
        final AtomicInteger asked = new AtomicInteger();
        final Departures.Router router = (mapId, realm, owner, deadline) -> {
            if (asked.incrementAndGet() <= 2) {
                throw Status.UNAVAILABLE
                        .withDescription("no node runs map " + mapId)
                        .asRuntimeException();
            }
            return InstanceRoute.newBuilder()
                    .setInstance(MapInstance.newBuilder()
                            .setInstanceId(realm + "." + mapId)
                            .setMapId(mapId)
                            .setKind(MapKind.MAP_KIND_CONTINENT))
                    .setNode(NodeDescriptor.newBuilder().setNodeId("home"))
                    .build();
        };
        final BattlegroundTrips trips = new BattlegroundTrips();
        final Traveller player = new Traveller(battleground());
        // No passes run: the instance host is not needed.
        try (BattlegroundExits exits = new BattlegroundExits(
                null, new ClientSessions(4), router, trips, MatchReports.NONE, () -> NOW, SystemNanoClock.INSTANCE)) {
            exits.leave(player, garrosh(), player.map, Team.HORDE);
            final Travel travel = await().atMost(Duration.ofSeconds(10)).until(player.travels::poll, t -> t != null);

            assertThat(asked).as("asked again while the home map had no node").hasValue(3);
            assertThat(travel.entry()).isEqualTo(ENTRY);
            assertThat(travel.trip().route().getInstance().getInstanceId()).isEqualTo("second.1");
            assertThat(travel.trip().deserted()).isTrue();
            assertThat(travel.trip().back().getMatchId()).isEqualTo("match-1");
            assertThat(travel.trip().back().getHonor()).isZero();
            assertThat(travel.trip().back().getMarkTemplateId()).isZero();
            assertThat(travel.trip().back().getDeserterUntilUnixMs()).isEqualTo(NOW + 15 * 60_000);
            assertThat(trips.homeOf(77L, 1)).isEqualTo(travel.trip());

            // Leaving again while on the way: nothing more.
            exits.leave(player, garrosh(), player.map, Team.HORDE);
            assertThat(asked).hasValue(3);
            assertThat(player.travels).isEmpty();
        }
    }

    private static InstanceHost.Running battleground() {
        final MapWorld world = new MapWorld(
                WorldSettings.forKind(MapKind.MAP_KIND_BATTLEGROUND),
                BattlegroundSettings.WARSONG_GULCH,
                1,
                1228f,
                1457f,
                SaveLog.allocate(1 << 16),
                1,
                Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY),
                BattlegroundSettings.forMap(BattlegroundSettings.WARSONG_GULCH));
        return new InstanceHost.Running(
                MapInstance.newBuilder()
                        .setInstanceId("main.489.a")
                        .setMapId(BattlegroundSettings.WARSONG_GULCH)
                        .setKind(MapKind.MAP_KIND_BATTLEGROUND)
                        .setOwner("match-1")
                        .build(),
                world,
                null,
                1);
    }

    private static ClaimedCharacter garrosh() {
        return new ClaimedCharacter(
                77,
                7,
                3,
                5,
                10,
                "second",
                "Garrosh",
                2,
                1,
                60,
                0,
                0,
                489,
                "main.489.a",
                933f,
                1433f,
                345f,
                0f,
                0,
                ENTRY);
    }

    private record Travel(BattlegroundTrips.Homeward trip, ClaimedCharacter.BattlegroundEntry entry) {}

    /** A session in the battleground that records the trips it is asked to set off on. */
    private static final class Traveller implements HomeTraveller {
        final InstanceHost.Running map;
        final LinkedBlockingQueue<Travel> travels = new LinkedBlockingQueue<>();

        Traveller(final InstanceHost.Running map) {
            this.map = map;
        }

        @Override
        public InstanceHost.Running map() {
            return map;
        }

        @Override
        public boolean inWorld() {
            return true;
        }

        @Override
        public void travelHome(final BattlegroundTrips.Homeward trip, final ClaimedCharacter.BattlegroundEntry entry) {
            travels.add(new Travel(trip, entry));
        }
    }
}
