package io.realmcluster.tools.realmctl;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.proto.v1.Account;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.BattlegroundAdminGrpc;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.proto.v1.Catalog;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.CheckInvariantsRequest;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.DeleteBattlegroupRequest;
import io.realmcluster.proto.v1.DrainNodeRequest;
import io.realmcluster.proto.v1.GetCatalogRequest;
import io.realmcluster.proto.v1.GetMatchRequest;
import io.realmcluster.proto.v1.GetNodeRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.ListBattlegroupsRequest;
import io.realmcluster.proto.v1.ListBattlegroupsResponse;
import io.realmcluster.proto.v1.ListControlPlanesRequest;
import io.realmcluster.proto.v1.ListControlPlanesResponse;
import io.realmcluster.proto.v1.ListMapInstancesRequest;
import io.realmcluster.proto.v1.ListMapInstancesResponse;
import io.realmcluster.proto.v1.ListMatchesRequest;
import io.realmcluster.proto.v1.ListMatchesResponse;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.ListQueuesRequest;
import io.realmcluster.proto.v1.ListQueuesResponse;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MoveInstanceRequest;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.v1.PutBattlegroupRequest;
import io.realmcluster.proto.v1.SetCellLayoutRequest;
import io.realmcluster.proto.v1.SetNodeSchedulableRequest;
import io.realmcluster.proto.v1.TransferCharacterRequest;
import io.realmcluster.proto.v1.TransferCharacterResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Admin API with a deadline on every call and errors an operator can read. */
public final class AdminClient implements AutoCloseable {
    private final List<HostPort> targets;
    private final long timeoutMillis;
    private final ManagedChannel channel;
    private final GrpcTls tls;

    /** A client without TLS ({@code --insecure-plaintext}). */
    public AdminClient(final List<HostPort> targets, final long timeoutMillis) {
        this(targets, timeoutMillis, null);
    }

    /**
     * A client of the control planes' internal listeners at {@code targets}, presenting the operator
     * certificate of {@code tls} (null: without TLS).
     */
    public AdminClient(final List<HostPort> targets, final long timeoutMillis, final TlsFiles tls) {
        this.targets = targets;
        this.timeoutMillis = timeoutMillis;
        this.tls = GrpcTls.orPlaintext(tls);
        this.channel = Channels.forTargets(targets, 30, GrpcTls.channel(this.tls));
    }

    /** Create or replace battlegroup {@code name} with {@code realms}. */
    public Battlegroup putBattlegroup(final String name, final List<String> realms) {
        try {
            return stub().putBattlegroup(PutBattlegroupRequest.newBuilder()
                    .setBattlegroup(Battlegroup.newBuilder().setName(name).addAllRealms(realms))
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public ListBattlegroupsResponse listBattlegroups() {
        try {
            return stub().listBattlegroups(ListBattlegroupsRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public Battlegroup deleteBattlegroup(final String name) {
        try {
            return stub().deleteBattlegroup(
                            DeleteBattlegroupRequest.newBuilder().setName(name).build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public ListQueuesResponse listQueues() {
        try {
            return stub().listQueues(ListQueuesRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** Every battleground match the control plane keeps (proposed, running, ended a while). */
    public ListMatchesResponse listMatches() {
        try {
            return matchStub().listMatches(ListMatchesRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public BattlegroundMatch getMatch(final String matchId) {
        try {
            return matchStub()
                    .getMatch(GetMatchRequest.newBuilder().setMatchId(matchId).build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public ListNodesResponse listNodes() {
        try {
            return stub().listNodes(ListNodesRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public NodeStatus getNode(final String nodeId) {
        try {
            return stub().getNode(GetNodeRequest.newBuilder().setNodeId(nodeId).build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public ListMapInstancesResponse listMapInstances(final String nodeId) {
        try {
            return stub().listMapInstances(ListMapInstancesRequest.newBuilder()
                    .setNodeId(nodeId)
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public Catalog getCatalog() {
        try {
            return stub().getCatalog(GetCatalogRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public ListControlPlanesResponse listControlPlanes() {
        try {
            return stub().listControlPlanes(ListControlPlanesRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public NodeStatus setSchedulable(final String nodeId, final boolean schedulable) {
        try {
            return stub().setNodeSchedulable(SetNodeSchedulableRequest.newBuilder()
                    .setNodeId(nodeId)
                    .setSchedulable(schedulable)
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public NodeStatus drainNode(final String nodeId) {
        try {
            return stub().drainNode(
                            DrainNodeRequest.newBuilder().setNodeId(nodeId).build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public CellLayout setCellLayout(final String continent, final int cells) {
        try {
            return stub().setCellLayout(SetCellLayoutRequest.newBuilder()
                    .setContinent(continent)
                    .setCells(cells)
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public MapInstance moveInstance(final String instanceId, final String toNodeId) {
        try {
            return stub().moveInstance(MoveInstanceRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setToNodeId(toNodeId)
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public Account createAccount(final CreateAccountRequest request) {
        try {
            return stub().createAccount(request);
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public Character createCharacter(final CreateCharacterRequest request) {
        try {
            return stub().createCharacter(request);
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    public InvariantReport checkInvariants() {
        try {
            return stub().checkInvariants(CheckInvariantsRequest.getDefaultInstance());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    /** Move character {@code name} of {@code realm} to {@code toRealm}, as {@code newName} when not empty. */
    public TransferCharacterResponse transferCharacter(
            final String realm, final String name, final String toRealm, final String newName) {
        try {
            return stub().transferCharacter(TransferCharacterRequest.newBuilder()
                    .setRealm(realm)
                    .setName(name)
                    .setToRealm(toRealm)
                    .setNewName(newName)
                    .build());
        } catch (final StatusRuntimeException e) {
            throw failure(e);
        }
    }

    private BattlegroundAdminGrpc.BattlegroundAdminBlockingStub matchStub() {
        return BattlegroundAdminGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private AdminGrpc.AdminBlockingStub stub() {
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private StartupException failure(final StatusRuntimeException e) {
        final Status status = e.getStatus();
        final String detail = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return new StartupException(
                    "control plane at " + HostPort.join(targets) + " did not answer: " + detail
                            + (tls == null
                                    ? ""
                                    : " (with TLS: the address must be an --internal-listen and the certificate "
                                            + "an operator's of the realm's CA)"),
                    e);
        }
        return new StartupException(detail, e);
    }

    @Override
    public void close() {
        Channels.close(channel);
        if (tls != null) {
            tls.close();
        }
    }
}
