package io.realmcluster.controlplane.admin;

import io.etcd.jetcd.ByteSequence;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.log.LogSafe;
import io.realmcluster.controlplane.battleground.BattlegroupStore;
import io.realmcluster.controlplane.battleground.QueueStore;
import io.realmcluster.controlplane.battleground.QueueSummaries;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.characters.InvariantChecker;
import io.realmcluster.controlplane.characters.RealmMoves;
import io.realmcluster.controlplane.election.ControlPlanes;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.login.AccountStore;
import io.realmcluster.controlplane.login.CharacterRoster;
import io.realmcluster.controlplane.login.LoginService;
import io.realmcluster.controlplane.placement.AssignmentStore;
import io.realmcluster.controlplane.placement.ClusterState;
import io.realmcluster.controlplane.placement.ClusterView;
import io.realmcluster.controlplane.placement.InstanceMoves;
import io.realmcluster.proto.v1.Account;
import io.realmcluster.proto.v1.AdminGrpc;
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
import io.realmcluster.proto.v1.GetNodeRequest;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.proto.v1.ListBattlegroupsRequest;
import io.realmcluster.proto.v1.ListBattlegroupsResponse;
import io.realmcluster.proto.v1.ListControlPlanesRequest;
import io.realmcluster.proto.v1.ListControlPlanesResponse;
import io.realmcluster.proto.v1.ListMapInstancesRequest;
import io.realmcluster.proto.v1.ListMapInstancesResponse;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.ListQueuesRequest;
import io.realmcluster.proto.v1.ListQueuesResponse;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MoveInstanceRequest;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.proto.v1.PutBattlegroupRequest;
import io.realmcluster.proto.v1.SetCellLayoutRequest;
import io.realmcluster.proto.v1.SetNodeSchedulableRequest;
import io.realmcluster.proto.v1.TransferCharacterRequest;
import io.realmcluster.proto.v1.TransferCharacterResponse;
import io.realmcluster.proto.world.Cells;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operators' API. Every replica serves it, reading its {@link ClusterView} (so a replica sees
 * its own writes at once and others' within the watch's delay) and writing to etcd.
 */
public final class AdminService extends AdminGrpc.AdminImplBase {
    private final EtcdStore store;
    private final Keys keys;
    private final ClusterView view;
    private final AssignmentStore assignments;
    private final MapCatalog catalog;
    private final ControlPlanes controlPlanes;
    private final AccountStore accounts;
    private final CharacterRoster characters;
    private final InvariantChecker invariants;
    private final BattlegroupStore battlegroups;
    private final QueueStore queue;
    private volatile RealmMoves moves;

    /** {@code accounts}, {@code characters} and {@code invariants} are null on a replica without a database. */
    public AdminService(
            final EtcdStore store,
            final Keys keys,
            final ClusterView view,
            final MapCatalog catalog,
            final ControlPlanes controlPlanes,
            final AccountStore accounts,
            final CharacterRoster characters,
            final InvariantChecker invariants) {
        this.store = store;
        this.keys = keys;
        this.view = view;
        this.assignments = new AssignmentStore(store, keys);
        this.battlegroups = new BattlegroupStore(store, keys);
        this.queue = new QueueStore(store, keys, System::currentTimeMillis);
        this.catalog = catalog;
        this.controlPlanes = controlPlanes;
        this.accounts = accounts;
        this.characters = characters;
        this.invariants = invariants;
    }

    /** Serve TransferCharacter with {@code moves} (a replica without a database refuses it); before serving. */
    public AdminService movingCharacters(final RealmMoves moves) {
        this.moves = moves;
        return this;
    }

    @Override
    public void transferCharacter(
            final TransferCharacterRequest request, final StreamObserver<TransferCharacterResponse> response) {
        answer(response, () -> {
            if (moves == null) {
                throw LoginService.NO_DATABASE.asRuntimeException();
            }
            final RealmMoves.Result moved = moves.move(new RealmMoves.Request(
                    request.getRealm(), request.getName(), request.getToRealm(), request.getNewName()));
            return TransferCharacterResponse.newBuilder()
                    .setMoveId(moved.moveId().toString())
                    .setRealm(moved.realm())
                    .setCharacterId(moved.characterId())
                    .setToRealm(moved.toRealm())
                    .setToCharacterId(moved.toCharacterId())
                    .setToName(moved.toName())
                    .setMoney(moved.money())
                    .setItems(moved.items())
                    .setAlreadyDone(moved.alreadyDone())
                    .build();
        });
    }

    @Override
    public void checkInvariants(final CheckInvariantsRequest request, final StreamObserver<InvariantReport> response) {
        answer(response, () -> {
            requireDatabase();
            // From etcd, not the view: a node the view does not show yet would look dead to the check.
            final Set<String> live = ClusterState.read(store, keys).nodes().keySet();
            try {
                return invariants.check(live);
            } catch (final SQLException e) {
                throw Status.UNAVAILABLE
                        .withDescription("the character database failed: " + e.getMessage())
                        .asRuntimeException();
            }
        });
    }

    @Override
    public void putBattlegroup(final PutBattlegroupRequest request, final StreamObserver<Battlegroup> response) {
        answer(response, () -> {
            for (final String realm : request.getBattlegroup().getRealmsList()) {
                if (!catalog.servesRealm(realm)) {
                    throw Status.INVALID_ARGUMENT
                            .withDescription("unknown realm '" + LogSafe.safe(realm) + "'; this control plane serves "
                                    + catalog.realms())
                            .asRuntimeException();
                }
            }
            try {
                return battlegroups.put(request.getBattlegroup());
            } catch (final BattlegroupStore.Refused e) {
                throw (e.conflict() ? Status.FAILED_PRECONDITION : Status.INVALID_ARGUMENT)
                        .withDescription(e.getMessage())
                        .asRuntimeException();
            }
        });
    }

    @Override
    public void listBattlegroups(
            final ListBattlegroupsRequest request, final StreamObserver<ListBattlegroupsResponse> response) {
        answer(
                response,
                () -> ListBattlegroupsResponse.newBuilder()
                        .addAllBattlegroups(battlegroups.list())
                        .build());
    }

    @Override
    public void listQueues(final ListQueuesRequest request, final StreamObserver<ListQueuesResponse> response) {
        answer(
                response,
                () -> ListQueuesResponse.newBuilder()
                        .addAllQueues(QueueSummaries.of(queue.tickets()))
                        .build());
    }

    @Override
    public void deleteBattlegroup(final DeleteBattlegroupRequest request, final StreamObserver<Battlegroup> response) {
        answer(response, () -> {
            try {
                return battlegroups
                        .delete(request.getName())
                        .orElseThrow(() -> Status.NOT_FOUND
                                .withDescription("no battlegroup '" + LogSafe.safe(request.getName()) + "'")
                                .asRuntimeException());
            } catch (final BattlegroupStore.Refused e) {
                throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
            }
        });
    }

    @Override
    public void createAccount(final CreateAccountRequest request, final StreamObserver<Account> response) {
        answer(response, () -> {
            requireDatabase();
            return accounts.create(request.getName(), request.getPassword());
        });
    }

    @Override
    public void createCharacter(final CreateCharacterRequest request, final StreamObserver<Character> response) {
        answer(response, () -> {
            requireDatabase();
            final String realm =
                    request.getRealm().isEmpty() && catalog.realms().size() == 1
                            ? catalog.realms().get(0)
                            : request.getRealm();
            if (!catalog.servesRealm(realm)) {
                throw Status.NOT_FOUND
                        .withDescription("unknown realm '" + realm + "'; this control plane serves " + catalog.realms())
                        .asRuntimeException();
            }
            final Account account = accounts.byName(request.getAccount())
                    .orElseThrow(() -> Status.NOT_FOUND
                            .withDescription("no account '" + request.getAccount() + "'")
                            .asRuntimeException());
            return characters.create(
                    account.getAccountId(), realm, request.getName(), request.getRace(), request.getClass_());
        });
    }

    private void requireDatabase() {
        if (accounts == null) {
            throw LoginService.NO_DATABASE.asRuntimeException();
        }
    }

    @Override
    public void listNodes(final ListNodesRequest request, final StreamObserver<ListNodesResponse> response) {
        answer(response, () -> {
            final ClusterState state = view.current();
            final ListNodesResponse.Builder result = ListNodesResponse.newBuilder();
            for (final NodeStatus node : state.nodes().values()) {
                result.addNodes(observed(state, node));
            }
            return result.build();
        });
    }

    @Override
    public void getNode(final GetNodeRequest request, final StreamObserver<NodeStatus> response) {
        answer(response, () -> {
            final ClusterState state = view.current();
            final NodeStatus node = state.nodes().get(request.getNodeId());
            if (node == null) {
                throw Status.NOT_FOUND
                        .withDescription("no node " + request.getNodeId() + " is registered")
                        .asRuntimeException();
            }
            return observed(state, node);
        });
    }

    @Override
    public void listMapInstances(
            final ListMapInstancesRequest request, final StreamObserver<ListMapInstancesResponse> response) {
        answer(response, () -> {
            final List<MapInstance> instances = new ArrayList<>();
            for (final MapInstance instance : view.current().observedInstances()) {
                if (request.getNodeId().isEmpty() || request.getNodeId().equals(instance.getNodeId())) {
                    instances.add(instance);
                }
            }
            return ListMapInstancesResponse.newBuilder()
                    .addAllInstances(instances)
                    .build();
        });
    }

    @Override
    public void getCatalog(final GetCatalogRequest request, final StreamObserver<Catalog> response) {
        answer(response, catalog::toProto);
    }

    @Override
    public void listControlPlanes(
            final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
        answer(
                response,
                () -> ListControlPlanesResponse.newBuilder()
                        .addAllReplicas(controlPlanes.list())
                        .build());
    }

    @Override
    public void setNodeSchedulable(final SetNodeSchedulableRequest request, final StreamObserver<NodeStatus> response) {
        answer(response, () -> cordon(request.getNodeId(), request.getSchedulable() ? null : "cordoned"));
    }

    @Override
    public void drainNode(final DrainNodeRequest request, final StreamObserver<NodeStatus> response) {
        answer(response, () -> cordon(request.getNodeId(), ClusterState.DRAINING));
    }

    /** Mark a node cordoned ({@code how} is the cordon's value: cordoned or draining), or clear it with null. */
    private NodeStatus cordon(final String nodeId, final String how) {
        final ClusterState before = view.current();
        if (!before.nodes().containsKey(nodeId)) {
            throw Status.NOT_FOUND
                    .withDescription("no node " + nodeId + " is registered")
                    .asRuntimeException();
        }
        if (how == null) {
            store.delete(keys.cordon(nodeId));
        } else {
            store.put(keys.cordon(nodeId), Keys.bytes(how), 0);
        }
        // The view waits for the write above: the node comes back as the write left it.
        final ClusterState after = view.current();
        final NodeStatus node = after.nodes().get(nodeId);
        if (node == null) {
            throw Status.NOT_FOUND
                    .withDescription("node " + nodeId + " went away")
                    .asRuntimeException();
        }
        return observed(after, node);
    }

    @Override
    public void moveInstance(final MoveInstanceRequest request, final StreamObserver<MapInstance> response) {
        answer(response, () -> {
            final ClusterState state = view.current();
            final MapInstance instance = state.instances().get(request.getInstanceId());
            if (instance == null) {
                throw Status.NOT_FOUND
                        .withDescription("no map instance " + request.getInstanceId())
                        .asRuntimeException();
            }
            if (!state.nodes().containsKey(request.getToNodeId())) {
                throw Status.NOT_FOUND
                        .withDescription("no node " + request.getToNodeId() + " is registered")
                        .asRuntimeException();
            }
            final String refusal = InstanceMoves.refusal(state, instance, request.getToNodeId());
            if (refusal != null) {
                throw Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException();
            }
            final InstanceMove move = InstanceMoves.request(request.getToNodeId(), "move", System.currentTimeMillis());
            if (assignments.requestMove(instance, move) == null) {
                throw Status.ABORTED
                        .withDescription(instance.getInstanceId() + " changed meanwhile; retry")
                        .asRuntimeException();
            }
            return state.observed(instance).toBuilder().setMove(move).build();
        });
    }

    @Override
    public void setCellLayout(final SetCellLayoutRequest request, final StreamObserver<CellLayout> response) {
        answer(response, () -> {
            final String continent = request.getContinent();
            final int dot = continent.lastIndexOf('.');
            final boolean known = dot > 0
                    && catalog.servesRealm(continent.substring(0, dot))
                    && continent.substring(dot + 1).matches("[0-9]{1,9}")
                    && catalog.map(Integer.parseInt(continent.substring(dot + 1)))
                            .map(map -> map.getKind() == MapKind.MAP_KIND_CONTINENT)
                            .orElse(false);
            if (!known) {
                throw Status.NOT_FOUND
                        .withDescription("no continent " + continent + ": name one as REALM.MAP, e.g. main.0 (realms "
                                + catalog.realms() + ", continents "
                                + catalog.continents().stream()
                                        .map(map -> map.getMapId() + " " + map.getName())
                                        .toList()
                                + ")")
                        .asRuntimeException();
            }
            if (request.getCells() < 1 || request.getCells() > Cells.MAX_CELLS) {
                throw Status.INVALID_ARGUMENT
                        .withDescription(
                                "a continent runs as 1 to " + Cells.MAX_CELLS + " cells, not " + request.getCells())
                        .asRuntimeException();
            }
            final CellLayout layout = CellLayout.newBuilder()
                    .setCells(request.getCells())
                    .setRequestedAtUnixMs(System.currentTimeMillis())
                    .build();
            store.put(keys.cellLayout(continent), ByteSequence.from(layout.toByteArray()), 0);
            return layout;
        });
    }

    /** The node as operators see it: cordoned when an operator said so, with its instance count. */
    private static NodeStatus observed(final ClusterState state, final NodeStatus node) {
        final NodeStatus.Builder result = node.toBuilder();
        if (state.isDraining(node.getNode().getNodeId())) {
            result.setState(NodeState.NODE_STATE_DRAINING);
        } else if (state.isCordoned(node.getNode().getNodeId())) {
            result.setState(NodeState.NODE_STATE_CORDONED);
        }
        if (node.getLoad().getMapInstances() == 0) {
            result.getLoadBuilder()
                    .setMapInstances(
                            state.assignedTo(node.getNode().getNodeId()).size());
        }
        return result.build();
    }

    private static <T> void answer(final StreamObserver<T> response, final Supplier<T> body) {
        final T result;
        try {
            result = body.get();
        } catch (final EtcdUnavailableException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (final RuntimeException e) {
            response.onError(Status.fromThrowable(e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
