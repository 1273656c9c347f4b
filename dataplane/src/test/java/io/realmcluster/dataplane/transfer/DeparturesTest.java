package io.realmcluster.dataplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.Departure;
import io.realmcluster.dataplane.transfer.Departing.State;
import io.realmcluster.dataplane.transfer.FakeCharacterStore.Row;
import io.realmcluster.dataplane.transfer.FakeMaps.Input;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResult;
import io.realmcluster.proto.v1.TransferResults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source's side of a transfer without a network, a database or real time: the store keeps the
 * database's compare-and-set rules in memory, the target node is a fake that claims in that store
 * (or fails as the test says), the map is an ingress ring the test reads, and the transfers run on
 * the test's thread, where every wait moves a fake clock instead of parking.
 */
class DeparturesTest {
    private static final String SOURCE = "node-s";
    private static final String TARGET = "node-t";
    private static final String DUNGEON = "main.36.g1";
    private static final int DEADMINES = 36;
    private static final int MAP = 1;
    private static final int SESSION = 3;
    private static final long CHARACTER = 7;
    private static final long EPOCH = 41;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final byte[] TOKEN = "token-for-node-t".getBytes(StandardCharsets.UTF_8);
    private static final Endpoint TARGET_GRPC =
            Endpoint.newBuilder().setHost("10.0.0.2").setPort(7070).build();
    private static final Endpoint TARGET_CLIENT =
            Endpoint.newBuilder().setHost("10.0.0.2").setPort(8086).build();
    private static final NodeDescriptor TARGET_NODE = NodeDescriptor.newBuilder()
            .setNodeId(TARGET)
            .setGrpc(TARGET_GRPC)
            .setClient(TARGET_CLIENT)
            .build();
    private static final MapInstance CONTINENT = MapInstance.newBuilder()
            .setInstanceId("main.0")
            .setMapId(0)
            .setKind(MapKind.MAP_KIND_CONTINENT)
            .setRealm("main")
            .setNodeId(SOURCE)
            .build();
    private static final InstanceRoute TO_DUNGEON = InstanceRoute.newBuilder()
            .setInstance(MapInstance.newBuilder()
                    .setInstanceId(DUNGEON)
                    .setMapId(DEADMINES)
                    .setKind(MapKind.MAP_KIND_DUNGEON)
                    .setRealm("main")
                    .setNodeId(TARGET))
            .setNode(TARGET_NODE)
            .build();

    private final FakeTime time = new FakeTime();
    private final FakeCharacterStore store = new FakeCharacterStore();
    private final FakeMaps maps = new FakeMaps();
    private final FakeTarget target = new FakeTarget();
    private final List<String> routesAsked = new ArrayList<>();
    private Departures.Router controlPlane = (mapId, realm, owner, deadline) -> {
        routesAsked.add(mapId + " " + realm + " " + owner + " " + deadline.toMillis());
        return TO_DUNGEON;
    };
    private Departures.Redirector redirector = Departures.Redirector.NONE;
    private Executor threads = Runnable::run;
    private Departures departures;

    @BeforeEach
    void aContinentOnTheSource() {
        maps.run(MAP, CONTINENT);
    }

    @AfterEach
    void close() {
        if (departures != null) {
            departures.close();
        }
    }

    @Test
    void anOfferTheTargetClaimsTellsTheMapDepartedWithTheRedirectItsClientFollows() {
        final UUID transfer = freeze(CHARACTER, EPOCH);

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(routesAsked).containsExactly("36 main c7 3000");
        assertThat(target.calls).hasSize(1);
        final Call call = target.calls.get(0);
        assertThat(call.atMillis()).isZero();
        assertThat(call.node()).isEqualTo(TARGET_GRPC);
        assertThat(call.deadline()).as("one call's share of the deadline").isEqualTo(Duration.ofSeconds(3));
        final TransferOffer offer = call.offers().get(0);
        assertThat(offer.getTransferId()).isEqualTo(transfer.toString());
        assertThat(offer.getEpoch()).isEqualTo(EPOCH);
        assertThat(offer.getRealm()).isEqualTo("main");
        assertThat(offer.getSourceNode()).isEqualTo(SOURCE);
        assertThat(offer.getTargetInstanceId()).isEqualTo(DUNGEON);
        assertThat(offer.getX()).isEqualTo(1f);
        assertThat(offer.getFrozenAtUnixMs()).isEqualTo(time.time());

        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPARTED, CHARACTER, SESSION, -1, redirect()));
        assertThat(store.row(CHARACTER)).isEqualTo(new Row(TARGET, EPOCH + 1, "ONLINE", transfer));
        assertThat(departures.stats().started()).isEqualTo(1);
        assertThat(departures.stats().completed()).isEqualTo(1);
        assertThat(departures.stats().aborted() + departures.stats().lost()).isZero();
    }

    @Test
    void aClientRedirectedDirectlyLeavesTheMapOnlyTheDepartureToTell() {
        final List<byte[]> sent = new ArrayList<>();
        redirector = (session, characterId, body, length) -> sent.add(Arrays.copyOf(body, length));
        final UUID transfer = freeze(CHARACTER, EPOCH);

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(sent).containsExactly(redirect());
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPARTED, CHARACTER, SESSION, -1, new byte[0]));
    }

    @Test
    void aTargetThatFailsTransientlyIsOfferedTheSameTransferAgainAfterADoublingBackoff() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        final List<Status> failures = new ArrayList<>(List.of(
                Status.UNAVAILABLE,
                Status.NOT_FOUND.withDescription("still loading"),
                Status.RESOURCE_EXHAUSTED,
                Status.DEADLINE_EXCEEDED,
                Status.UNAVAILABLE,
                Status.UNAVAILABLE,
                Status.UNAVAILABLE));
        target.onOffer = (offer, deadline) -> {
            if (!failures.isEmpty()) {
                throw failures.remove(0).asRuntimeException();
            }
            return target.claim(offer);
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(target.calls.stream().map(Call::atMillis))
                .as("20 ms, doubled after each failure up to half a second")
                .containsExactly(0L, 20L, 60L, 140L, 300L, 620L, 1_120L, 1_620L);
        assertThat(target.calls.stream().map(call -> call.offers().get(0).getTransferId()))
                .containsOnly(transfer.toString());
        assertThat(time.pausesMillis()).containsExactly(20L, 40L, 80L, 160L, 320L, 500L, 500L);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPARTED, CHARACTER, SESSION, -1, redirect()));
        assertThat(departures.stats().entries(State.BACKING_OFF)).isEqualTo(7);
        assertThat(departures.stats().nanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_620));
        assertThat(store.row(CHARACTER).owner()).isEqualTo(TARGET);
    }

    @Test
    void aTargetThatNeverAnswersIsCalledOffAtTheDeadlineAndTheCharacterPlaysOnAtANewEpoch() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            time.advance(deadline.toNanos());
            throw Status.DEADLINE_EXCEEDED.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(target.calls.stream().map(Call::atMillis)).containsExactly(0L, 3_020L, 6_060L, 9_140L);
        assertThat(target.calls.stream().map(call -> call.deadline().toMillis()))
                .as("each call waits 3 s at most, the last what is left of the 10 s")
                .containsExactly(3_000L, 3_000L, 3_000L, 860L);
        assertThat(time.millis()).as("called off at the deadline").isEqualTo(10_000);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
        assertThat(store.row(CHARACTER)).isEqualTo(new Row(SOURCE, EPOCH + 1, "ONLINE", transfer));
        assertThat(departures.stats().aborted()).isEqualTo(1);
        assertThat(departures.stats().completed() + departures.stats().lost()).isZero();
    }

    @Test
    void aRefusalIsNotOfferedAgain() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            throw Status.FAILED_PRECONDITION.withDescription("another transfer").asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(target.calls).hasSize(1);
        assertThat(time.millis()).isZero();
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
    }

    @Test
    void anAbortThatLosesToTheTargetsClaimAsksTheTargetAgainAndTellsTheMapDeparted() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            final TransferAccepted accepted = target.claim(offer);
            if (time.millis() < DEADLINE.toMillis()) {
                throw Status.UNAVAILABLE.withDescription("its answer was lost").asRuntimeException();
            }
            return accepted;
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(target.calls.get(target.calls.size() - 1).atMillis())
                .as("asked again once the abort lost")
                .isEqualTo(10_000);
        assertThat(departures.stats().entries(State.ASKING_AGAIN)).isEqualTo(1);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPARTED, CHARACTER, SESSION, -1, redirect()));
        assertThat(store.row(CHARACTER)).isEqualTo(new Row(TARGET, EPOCH + 1, "ONLINE", transfer));
        assertThat(departures.stats().completed()).isEqualTo(1);
        assertThat(departures.stats().aborted() + departures.stats().lost()).isZero();
    }

    @Test
    void anAbortThatLosesToAClaimWhoseTargetStaysSilentLosesTheCharacterToTheTarget() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            target.claim(offer);
            throw Status.UNAVAILABLE.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.TRANSFER_LOST, CHARACTER, SESSION, EPOCH));
        assertThat(store.row(CHARACTER).owner()).as("where the database says").isEqualTo(TARGET);
        assertThat(departures.stats().lost()).isEqualTo(1);
        assertThat(departures.stats().completed() + departures.stats().aborted())
                .isZero();
    }

    @Test
    void aTransferTheSweeperResetFirstIsLostAndTheCharacterOffline() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            if (time.millis() >= 9_000) {
                store.sweep(CHARACTER, EPOCH, transfer);
                return target.claim(offer);
            }
            throw Status.UNAVAILABLE.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.TRANSFER_LOST, CHARACTER, SESSION, EPOCH));
        assertThat(store.row(CHARACTER)).isEqualTo(new Row(null, EPOCH, "OFFLINE", transfer));
        assertThat(departures.stats().lost()).isEqualTo(1);
    }

    @Test
    void anAbortTheDatabaseFailsIsTriedAgainAfterDoublingWaits() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        store.failAborts(2);
        target.onOffer = (offer, deadline) -> {
            throw Status.FAILED_PRECONDITION.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(time.pausesMillis()).containsExactly(200L, 400L);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
        assertThat(store.row(CHARACTER).owner()).isEqualTo(SOURCE);
    }

    @Test
    void anAbortTheDatabaseNeverTakesLosesTheCharacter() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        store.failAborts(5);
        target.onOffer = (offer, deadline) -> {
            throw Status.FAILED_PRECONDITION.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(time.pausesMillis()).containsExactly(200L, 400L, 800L, 1_600L, 3_200L);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.TRANSFER_LOST, CHARACTER, SESSION, EPOCH));
        assertThat(store.row(CHARACTER).state()).isEqualTo("IN_TRANSFER");
        assertThat(departures.stats().lost()).isEqualTo(1);
    }

    @Test
    void aMapThatLeftBeforeTheOfferCallsTheTransferOffAndGivesTheCharacterBack() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        maps.leave(MAP);

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(routesAsked).isEmpty();
        assertThat(target.calls).isEmpty();
        assertThat(store.row(CHARACTER))
                .as("aborted, then released: nobody plays it here")
                .isEqualTo(new Row(null, EPOCH + 1, "OFFLINE", transfer));
        assertThat(departures.stats().aborted()).isEqualTo(1);
    }

    @Test
    void aMapThatLeftWhileItsCharacterWasOfferedStillCountsTheDeparture() {
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            maps.leave(MAP);
            return target.claim(offer);
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(maps.inputs(MAP)).as("nobody to tell").isEmpty();
        assertThat(store.row(CHARACTER).owner()).isEqualTo(TARGET);
        assertThat(departures.stats().completed()).isEqualTo(1);
    }

    @Test
    void whileTheControlPlaneCannotAnswerTheLastRouteItGaveIsTaken() {
        final UUID first = freeze(CHARACTER, EPOCH);
        departures().accept(List.of(departure(CHARACTER, EPOCH, first, DEADMINES)));
        final Departures.Router answering = controlPlane;
        controlPlane = (mapId, realm, owner, deadline) -> {
            answering.route(mapId, realm, owner, deadline);
            throw Status.UNAVAILABLE.asRuntimeException();
        };
        final UUID second = freeze(CHARACTER, EPOCH + 1);

        departures.accept(List.of(departure(CHARACTER, EPOCH + 1, second, DEADMINES)));

        assertThat(routesAsked).hasSize(2);
        assertThat(target.calls).hasSize(2);
        assertThat(target.calls.get(1).offers().get(0).getTargetInstanceId()).isEqualTo(DUNGEON);
        assertThat(target.calls.get(1).offers().get(0).getTransferId()).isEqualTo(second.toString());
        assertThat(store.row(CHARACTER)).isEqualTo(new Row(TARGET, EPOCH + 2, "ONLINE", second));
    }

    @Test
    void theMovingMapsPlayersGoInOneOfferManyAndOneItRefusesGoesOnItsOwn() {
        maps.run(
                MAP,
                CONTINENT.toBuilder()
                        .setMove(InstanceMove.newBuilder()
                                .setToNodeId(TARGET)
                                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                                .setToNode(TARGET_NODE))
                        .build());
        final List<Departure> players = new ArrayList<>();
        for (long character = 1; character <= 3; character++) {
            players.add(departure(character, EPOCH, freeze(character, EPOCH), Saves.SAME_INSTANCE));
        }
        target.onOfferMany = offers -> {
            final TransferResults.Builder results = TransferResults.newBuilder();
            for (final TransferOffer offer : offers.getOffersList()) {
                results.addResults(
                        offer.getCharacterId() == 2
                                ? TransferResult.newBuilder()
                                        .setRefusedCode(Status.Code.NOT_FOUND.value())
                                        .build()
                                : TransferResult.newBuilder()
                                        .setAccepted(target.claim(offer))
                                        .build());
            }
            return results.build();
        };

        departures().accept(players);

        assertThat(target.calls).hasSize(2);
        assertThat(target.calls.get(0).rpc()).isEqualTo("OfferMany");
        assertThat(target.calls.get(0).deadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(target.calls.get(0).offers().stream().map(TransferOffer::getCharacterId))
                .containsExactly(1L, 2L, 3L);
        assertThat(target.calls.get(0).offers().get(0).getTargetInstanceId()).isEqualTo("main.0");
        assertThat(target.calls.get(1).rpc()).isEqualTo("Offer");
        assertThat(target.calls.get(1).offers().get(0).getCharacterId()).isEqualTo(2);
        assertThat(routesAsked)
                .as("a moving map's copy is known without asking")
                .isEmpty();
        final List<Input> told = maps.inputs(MAP);
        assertThat(told.stream().map(Input::entity)).containsExactly(1L, 2L, 3L);
        assertThat(told.stream().map(Input::type)).containsOnly(Inputs.DEPARTED);
        assertThat(departures.stats().entries(State.HANDING_OVER)).isEqualTo(3);
        assertThat(departures.stats().entries(State.FROZEN))
                .as("three frozen, one again")
                .isEqualTo(4);
        assertThat(departures.stats().completed()).isEqualTo(3);
    }

    @Test
    void theNodeAMovingMapGoesToIsConnectedAheadOfItsPlayers() {
        final MapInstance moving = CONTINENT.toBuilder()
                .setMove(InstanceMove.newBuilder()
                        .setToNodeId(TARGET)
                        .setPhase(MovePhase.MOVE_PHASE_PREPARING)
                        .setToNode(TARGET_NODE))
                .build();

        departures()
                .connectAhead(AssignmentSet.newBuilder()
                        .addInstances(moving)
                        .addInstances(CONTINENT.toBuilder().setInstanceId("main.1"))
                        .build());

        assertThat(target.connected).containsExactly(TARGET_GRPC);
    }

    @Test
    void tooManyTransfersAtOnceAreCalledOff() {
        threads = task -> {
            throw new RejectedExecutionException("full");
        };
        final UUID transfer = freeze(CHARACTER, EPOCH);

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(target.calls).isEmpty();
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
    }

    @Test
    void aFullIngressIsWaitedForNotDropped() {
        final Ingress small = Ingress.allocate(1_024);
        maps.run(MAP, CONTINENT, small);
        final UnsafeBuffer filler = new UnsafeBuffer(new byte[8]);
        while (small.offer(99, filler, 0, filler.capacity())) {
            // Fill it.
        }
        time.onPause = () -> {
            if (time.pausesMillis().size() == 3) {
                small.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
            }
        };
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            throw Status.FAILED_PRECONDITION.asRuntimeException();
        };

        departures().accept(List.of(departure(CHARACTER, EPOCH, transfer, DEADMINES)));

        assertThat(time.pausesMillis()).containsExactly(5L, 5L, 5L);
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
    }

    @Test
    void anEntryIntoABattlegroundCalledOffGivesItsSeatBackAndOneThatLandsDoesNot() {
        final List<String> calledOff = new ArrayList<>();
        final Departures departures = departures();
        departures.entryCallOffs((realm, id, match, transferId, why) ->
                calledOff.add(realm + " " + id + " " + match + " " + transferId + " " + why));
        final BattlegroundTrips.Trip trip = new BattlegroundTrips.Trip("m1", "main.489.m1", TARGET_NODE, 489, 2);

        // The battleground's node refuses the offer (its claim failed after the leader entered the seat).
        departures.trips().planned(CHARACTER, trip);
        final UUID refused = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            throw Status.FAILED_PRECONDITION.withDescription("the map is full").asRuntimeException();
        };
        departures.accept(List.of(departure(CHARACTER, EPOCH, refused, 489)));
        assertThat(maps.inputs(MAP)).containsExactly(new Input(Inputs.DEPART_FAILED, CHARACTER, SESSION, EPOCH + 1));
        assertThat(calledOff).containsExactly("main 7 m1 " + refused + " FAILED_PRECONDITION: the map is full");
        assertThat(departures.trips().of(CHARACTER, 489)).as("the trip is over").isNull();

        // Accepted again, and claimed this time: nothing to give back.
        departures.trips().planned(CHARACTER, trip);
        final UUID landed = freeze(CHARACTER, EPOCH + 1);
        target.onOffer = (offer, deadline) -> target.claim(offer);
        departures.accept(List.of(departure(CHARACTER, EPOCH + 1, landed, 489)));
        assertThat(store.row(CHARACTER).owner()).isEqualTo(TARGET);
        assertThat(calledOff).hasSize(1);
    }

    @Test
    void anEntryWhoseAbortLosesToTheBattlegroundsClaimGivesNoSeatBack() {
        final List<String> calledOff = new ArrayList<>();
        final Departures departures = departures();
        departures.entryCallOffs((realm, id, match, transferId, why) -> calledOff.add(match));
        departures.trips().planned(CHARACTER, new BattlegroundTrips.Trip("m1", "main.489.m1", TARGET_NODE, 489, 2));
        final UUID transfer = freeze(CHARACTER, EPOCH);
        target.onOffer = (offer, deadline) -> {
            target.claim(offer);
            throw Status.UNAVAILABLE.asRuntimeException();
        };

        departures.accept(List.of(departure(CHARACTER, EPOCH, transfer, 489)));

        assertThat(store.row(CHARACTER).owner()).as("in the battleground").isEqualTo(TARGET);
        assertThat(calledOff).isEmpty();
    }

    // ---- the fakes and their helpers ----

    private Departures departures() {
        departures = new Departures(
                SOURCE,
                store,
                maps,
                (mapId, realm, owner, deadline) -> controlPlane.route(mapId, realm, owner, deadline),
                target,
                redirector,
                DEADLINE,
                time,
                time,
                time,
                threads);
        return departures;
    }

    private UUID freeze(final long character, final long epoch) {
        final UUID transfer = UUID.randomUUID();
        store.frozen(character, epoch, transfer, SOURCE);
        return transfer;
    }

    private Departure departure(final long character, final long epoch, final UUID transfer, final int toMapId) {
        return new Departure(character, epoch, transfer, MAP, SESSION, toMapId, 1f, 2f, 3f, 0.5f, time.time());
    }

    /** The REDIRECT body the target's answer makes. */
    private static byte[] redirect() {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length =
                ServerMessages.redirect(frame, 0, TARGET_CLIENT.getHost(), TARGET_CLIENT.getPort(), TOKEN, DUNGEON);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /** One call to the target node: when (ms of fake time), which, where, what, with which deadline. */
    private record Call(long atMillis, String rpc, Endpoint node, List<TransferOffer> offers, Duration deadline) {}

    /** How the fake target answers an Offer. */
    @FunctionalInterface
    private interface OfferAnswer {
        TransferAccepted answer(TransferOffer offer, Duration deadline);
    }

    /** The target node: by default it claims each offer in the store, as the real one does. */
    private final class FakeTarget implements TargetNodes {
        final List<Call> calls = new ArrayList<>();
        final List<Endpoint> connected = new ArrayList<>();
        OfferAnswer onOffer = (offer, deadline) -> claim(offer);
        Function<TransferOffers, TransferResults> onOfferMany = offers -> {
            throw Status.UNIMPLEMENTED.asRuntimeException();
        };

        @Override
        public TransferAccepted offer(final Endpoint node, final TransferOffer offer, final Duration deadline) {
            calls.add(new Call(time.millis(), "Offer", node, List.of(offer), deadline));
            return onOffer.answer(offer, deadline);
        }

        @Override
        public TransferResults offerMany(final Endpoint node, final TransferOffers offers, final Duration deadline) {
            calls.add(new Call(time.millis(), "OfferMany", node, offers.getOffersList(), deadline));
            return onOfferMany.apply(offers);
        }

        @Override
        public void connect(final Endpoint node) {
            connected.add(node);
        }

        @Override
        public void close() {
            // Nothing to close.
        }

        /** The target's commit point: its claim in the store, answered with its token; refused as the real one. */
        TransferAccepted claim(final TransferOffer offer) {
            try {
                final long epoch = store.claimTransfer(
                                offer.getCharacterId(),
                                offer.getEpoch(),
                                UUID.fromString(offer.getTransferId()),
                                TARGET)
                        .epoch();
                return TransferAccepted.newBuilder()
                        .setClient(TARGET_CLIENT)
                        .setToken(ByteString.copyFrom(TOKEN))
                        .setEpoch(epoch)
                        .build();
            } catch (final ClaimRefused e) {
                throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
            }
        }
    }
}
