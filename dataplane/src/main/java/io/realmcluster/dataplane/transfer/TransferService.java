package io.realmcluster.dataplane.transfer;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.core.metrics.Histogram;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.grpc.Callers;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.Homecoming;
import io.realmcluster.dataplane.store.RealmTable;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.BattlegroundReturn;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResult;
import io.realmcluster.proto.v1.TransferResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's side of a transfer: claim the frozen character in the database (the commit
 * point), expect its client at the arrival point, and hand back a token for it, which this node signs with
 * its own key (see {@link io.realmcluster.common.auth.NodeTokenKey}). Needs only this node and the database; a
 * replayed offer gets the same claim back.
 */
public final class TransferService extends TransferGrpc.TransferImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);
    /** Threads that run other nodes' calls (each a claim in the database): the database connections they need. */
    public static final int THREADS = 4;
    /** Why an offer into a battleground is refused: the player holds no accepted seat in its match. */
    public static final String NOT_INVITED = "not invited to this match";

    private final String nodeId;
    private final CharacterStore store;
    private final InstanceHost instances;
    private final Arrivals arrivals;
    private final TokenSigner tokens;
    private final Endpoint clients;
    private final Duration tokenTtl;
    private final LongSupplier clockMillis;
    private final AtomicLong transfersIn = new AtomicLong();
    private volatile EntryAdmission admission = EntryAdmission.NONE;
    private final Histogram admissions = Histogram.builder()
            .name("realm_node_battleground_admission_seconds")
            .help("Players offered into a battleground here: the leader's AdmitEntry, by outcome (admitted; refused: "
                    + "not invited; failed: the leader did not answer in time or was away, the source offers again)")
            .labelNames("outcome")
            .classicOnly()
            .classicUpperBounds(Arrivals.BUCKET_SECONDS)
            .build();

    public TransferService(
            final String nodeId,
            final CharacterStore store,
            final InstanceHost instances,
            final Arrivals arrivals,
            final TokenSigner tokens,
            final Endpoint clients,
            final Duration tokenTtl,
            final LongSupplier clockMillis) {
        this.nodeId = nodeId;
        this.store = store;
        this.instances = instances;
        this.arrivals = arrivals;
        this.tokens = tokens;
        this.clients = clients;
        this.tokenTtl = tokenTtl;
        this.clockMillis = clockMillis;
    }

    /**
     * The {@link #THREADS} threads a node runs these calls on: a fixed pool (gRPC's default grows
     * a thread for every call at once, each wanting a database connection). Its queue is not bounded
     * here: gRPC hands it every call's steps and has no answer for a refused one; what bounds it is the
     * callers, nodes whose transfer pools are bounded (Departures, HandOvers).
     */
    public static ExecutorService threads() {
        return Executors.newFixedThreadPool(THREADS, new DefaultThreadFactory("transfer-in", true));
    }

    /** Who admits players offered into this node's battlegrounds (the leader). Set once, at start. */
    public void admission(final EntryAdmission admission) {
        this.admission = admission;
    }

    /** The histogram of {@code realm_node_battleground_admission_seconds}, for the node's registry. */
    public Histogram admissions() {
        return admissions;
    }

    /** Characters this node claimed from other nodes (a replayed offer counts again). */
    public long transfersIn() {
        return transfersIn.get();
    }

    @Override
    public void offer(final TransferOffer offer, final StreamObserver<TransferAccepted> response) {
        final Status invalid = check(offer);
        if (invalid != null) {
            response.onError(invalid.asRuntimeException());
            return;
        }
        final long key = keyOf(offer);
        if (key < 0) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription(RealmTable.noDatabase(offer.getRealm()))
                    .asRuntimeException());
            return;
        }
        final byte team;
        try {
            team = admitted(offer);
        } catch (final StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        final Homecoming homecoming;
        try {
            homecoming = homecoming(offer);
        } catch (final StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        final UUID transferId = UUID.fromString(offer.getTransferId());
        final ClaimedCharacter claimed;
        try {
            Failpoints.reach(Failpoints.TARGET_BEFORE_CLAIM);
            claimed = homecoming == null
                    ? store.claimTransfer(key, offer.getEpoch(), transferId, nodeId)
                    : store.claimTransfer(key, offer.getEpoch(), transferId, nodeId, homecoming);
        } catch (final ClaimRefused e) {
            final Status status =
                    e.reason() == ClaimRefused.Reason.DATABASE ? Status.UNAVAILABLE : Status.FAILED_PRECONDITION;
            response.onError(status.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        Failpoints.reach(Failpoints.TARGET_AFTER_CLAIM);
        LOG.info(
                "took character {} from {} into {} (transfer {}, epoch {})",
                offer.getCharacterId(),
                LogSafe.safe(offer.getSourceNode()),
                LogSafe.safe(offer.getTargetInstanceId()),
                transferId,
                claimed.epoch());
        response.onNext(accept(offer, claimed, team));
        response.onCompleted();
    }

    /**
     * The side of a player offered into a battleground's instance, once the leader admitted it into
     * the match that instance is bound to; {@link Inputs#TEAM_BY_RACE} for any other instance.
     *
     * @throws StatusRuntimeException FAILED_PRECONDITION "not invited to this match", or the leader's failure
     */
    private byte admitted(final TransferOffer offer) {
        final InstanceHost.Running target = instances.instance(offer.getTargetInstanceId());
        if (target == null || target.assignment().getKind() != MapKind.MAP_KIND_BATTLEGROUND) {
            return Inputs.TEAM_BY_RACE;
        }
        if (offer.getMatchId().isEmpty()
                || !offer.getMatchId().equals(target.assignment().getOwner())) {
            LOG.info(
                    "refused character {} of realm {} offered into battleground {} without a seat in its match",
                    offer.getCharacterId(),
                    LogSafe.safe(offer.getRealm()),
                    LogSafe.safe(offer.getTargetInstanceId()));
            throw Status.FAILED_PRECONDITION.withDescription(NOT_INVITED).asRuntimeException();
        }
        final long started = System.nanoTime();
        final int faction;
        try {
            faction = admission.admit(
                    offer.getRealm(),
                    offer.getCharacterId(),
                    offer.getMatchId(),
                    offer.getTargetInstanceId(),
                    offer.getTransferId());
        } catch (final StatusRuntimeException e) {
            final double seconds = (System.nanoTime() - started) / 1e9;
            final boolean refused = e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
            admissions.labelValues(refused ? "refused" : "failed").observe(seconds);
            LOG.info(
                    "the leader's admission of character {} of realm {} into match {} {} after {} ms: {}",
                    offer.getCharacterId(),
                    LogSafe.safe(offer.getRealm()),
                    LogSafe.safe(offer.getMatchId()),
                    refused ? "was refused" : "failed",
                    Math.round(seconds * 1000),
                    e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : " " + LogSafe.safe(e.getStatus().getDescription())));
            throw e;
        }
        admissions.labelValues("admitted").observe((System.nanoTime() - started) / 1e9);
        return faction == Inputs.TEAM_ALLIANCE ? Inputs.TEAM_ALLIANCE : Inputs.TEAM_HORDE;
    }

    /** What the claim of a trip home from a battleground writes beside it, or null for any other offer. */
    private Homecoming homecoming(final TransferOffer offer) {
        if (!offer.hasBattlegroundReturn()) {
            return null;
        }
        final BattlegroundReturn back = offer.getBattlegroundReturn();
        final InstanceHost.Running target = instances.instance(offer.getTargetInstanceId());
        if (target == null) {
            throw Status.NOT_FOUND
                    .withDescription("map instance " + offer.getTargetInstanceId() + " does not run on node " + nodeId)
                    .asRuntimeException();
        }
        return new Homecoming(
                back.getMatchId(),
                back.getHonor(),
                back.getMarkTemplateId(),
                back.getDeserterUntilUnixMs(),
                target.assignment().getMapId(),
                offer.getTargetInstanceId(),
                offer.getX(),
                offer.getY(),
                offer.getZ(),
                offer.getOrientation());
    }

    @Override
    public void offerMany(final TransferOffers offers, final StreamObserver<TransferResults> response) {
        final int n = offers.getOffersCount();
        final TransferResult[] results = new TransferResult[n];
        final List<CharacterStore.TransferClaim> claims = new ArrayList<>(n);
        final int[] claimOf = new int[n];
        for (int i = 0; i < n; i++) {
            final TransferOffer offer = offers.getOffers(i);
            final Status invalid = check(offer);
            final long key = invalid == null ? keyOf(offer) : -1;
            if (invalid != null) {
                results[i] = refused(invalid);
            } else if (key < 0) {
                results[i] =
                        refused(Status.FAILED_PRECONDITION.withDescription(RealmTable.noDatabase(offer.getRealm())));
            } else {
                claimOf[claims.size()] = i;
                claims.add(new CharacterStore.TransferClaim(
                        key, offer.getEpoch(), UUID.fromString(offer.getTransferId())));
            }
        }
        final List<ClaimedCharacter> claimed;
        try {
            Failpoints.reach(Failpoints.TARGET_BEFORE_CLAIM);
            claimed = claims.isEmpty() ? List.of() : store.claimTransfers(claims, nodeId);
        } catch (final ClaimRefused e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        Failpoints.reach(Failpoints.TARGET_AFTER_CLAIM);
        int taken = 0;
        for (int c = 0; c < claims.size(); c++) {
            final int i = claimOf[c];
            final ClaimedCharacter character = claimed.get(c);
            if (character == null) {
                final CharacterStore.TransferClaim gone = claims.get(c);
                results[i] = refused(Status.FAILED_PRECONDITION.withDescription(
                        ClaimRefused.transferGone(offers.getOffers(i).getCharacterId(), gone.epoch(), gone.transferId())
                                .getMessage()));
            } else {
                results[i] = TransferResult.newBuilder()
                        .setAccepted(accept(offers.getOffers(i), character, Inputs.TEAM_BY_RACE))
                        .build();
                taken++;
            }
        }
        if (n > 0) {
            LOG.info(
                    "took {} of {} characters offered by {} (into {})",
                    taken,
                    n,
                    LogSafe.safe(offers.getOffers(0).getSourceNode()),
                    LogSafe.safe(offers.getOffers(0).getTargetInstanceId()));
        }
        response.onNext(TransferResults.newBuilder()
                .addAllResults(Arrays.asList(results))
                .build());
        response.onCompleted();
    }

    /** The key of the offered character on this node; -1 when this node holds no database of its realm. */
    private long keyOf(final TransferOffer offer) {
        return store.realms().key(offer.getRealm(), offer.getCharacterId());
    }

    /** Why an offer cannot be taken before the database is asked, or null. */
    private Status check(final TransferOffer offer) {
        final PeerIdentity caller = Callers.current().orElse(null);
        if (caller != null && !caller.name().equals(offer.getSourceNode())) {
            // A node may hand over only characters it holds itself: a stolen certificate cannot pull others'.
            LOG.warn(
                    "refused an offer of character {} from {} that names node {} as its source",
                    offer.getCharacterId(),
                    caller,
                    printable(offer.getSourceNode()));
            return Status.PERMISSION_DENIED.withDescription("the offer names node " + printable(offer.getSourceNode())
                    + " as its source but the caller's certificate names " + caller
                    + "; a node offers only the characters it holds");
        }
        try {
            UUID.fromString(offer.getTransferId());
        } catch (final IllegalArgumentException e) {
            return Status.INVALID_ARGUMENT.withDescription(
                    "transfer_id must be a UUID, got '" + offer.getTransferId() + "'");
        }
        if (offer.getCharacterId() <= 0 || offer.getCharacterId() > CharacterKey.MAX_ID) {
            return Status.INVALID_ARGUMENT.withDescription(
                    "character_id must be in 1.." + CharacterKey.MAX_ID + ", got " + offer.getCharacterId());
        }
        if (instances.instance(offer.getTargetInstanceId()) == null) {
            return Status.NOT_FOUND.withDescription(
                    "map instance " + offer.getTargetInstanceId() + " does not run on node " + nodeId);
        }
        return null;
    }

    /** The claim landed: expect the client at the arrival point and give it a token. */
    private TransferAccepted accept(final TransferOffer offer, final ClaimedCharacter claimed, final byte team) {
        final long expires = clockMillis.getAsLong() + tokenTtl.toMillis();
        arrivals.expect(new Arrivals.Arrival(
                claimed,
                offer.getTargetInstanceId(),
                offer.getX(),
                offer.getY(),
                offer.getZ(),
                offer.getOrientation(),
                expires,
                offer.getFrozenAtUnixMs(),
                offer.getSourceStandbyKey().toByteArray(),
                team,
                offer.getTransferId()));
        // Signed with this node's own key, which no other process has: a token only this node takes.
        final byte[] token = SessionToken.issue(
                tokens,
                new SessionToken.Claims(
                        claimed.accountId(),
                        offer.getCharacterId(),
                        claimed.realm(),
                        nodeId,
                        offer.getTargetInstanceId(),
                        claimed.epoch(),
                        expires));
        transfersIn.incrementAndGet();
        return TransferAccepted.newBuilder()
                .setClient(clients)
                .setToken(ByteString.copyFrom(token))
                .setEpoch(claimed.epoch())
                .build();
    }

    /** A peer's string as it may go into a log line: 64 characters at most, nothing but printable ASCII. */
    private static String printable(final String text) {
        final String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    private static TransferResult refused(final Status status) {
        return TransferResult.newBuilder()
                .setRefusedCode(status.getCode().value())
                .setRefusedMessage(status.getDescription() == null ? "" : status.getDescription())
                .build();
    }
}
