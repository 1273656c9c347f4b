package io.realmcluster.controlplane.placement;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.realmcluster.controlplane.catalog.MapCatalog;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Moving a map instance, with its players, from its node to another (see docs/architecture.md,
 * "A map's move"): the move's record in etcd, beside the instance's, goes through
 * <ol>
 *   <li>PREPARING: the target loads a copy of the instance and confirms it;</li>
 *   <li>HANDING_OVER: logins and portals lead to the target; the source transfers each of its
 *       players there (the client sees a loading screen) and reports its copy empty;</li>
 *   <li>done: the instance is the target's at a new epoch, and the source, no longer assigned
 *       it, unloads its empty copy.</li>
 * </ol>
 * Characters are never at risk in any of these steps: each one is fenced in the database by its
 * own transfer, so a move called off half way leaves every player on the one node that claimed
 * it. The instance's own epoch does not change until the move is done, so nothing the source runs
 * turns stale while it hands its players over.
 */
public final class InstanceMoves {
    private InstanceMoves() {}

    /** Why {@code instance} cannot start moving to {@code toNodeId} now, or null when it can. */
    public static String refusal(final ClusterState state, final MapInstance instance, final String toNodeId) {
        final NodeStatus target = state.nodes().get(toNodeId);
        if (target == null) {
            return "no node " + toNodeId + " is registered";
        }
        if (instance.getNodeId().equals(toNodeId)) {
            return instance.getInstanceId() + " already runs on " + toNodeId;
        }
        if (instance.hasMove()) {
            return instance.getInstanceId() + " is already moving to "
                    + instance.getMove().getToNodeId();
        }
        if (state.observed(instance).getState() != InstanceState.INSTANCE_STATE_ACTIVE) {
            return instance.getInstanceId() + " is " + state.observed(instance).getState()
                    + ", not active; retry shortly";
        }
        final String pool = MapCatalog.pool(instance.getKind());
        if (!target.getNode().getPoolsList().contains(pool)) {
            return "node " + toNodeId + " does not serve the " + pool + " pool (it serves "
                    + target.getNode().getPoolsList() + ")";
        }
        if (!PlacementPolicy.holds(target, List.of(instance.getRealm()))) {
            return "node " + toNodeId + " holds no database of realm " + instance.getRealm() + " (it holds "
                    + target.getNode().getRealmsList() + ")";
        }
        if (state.isDraining(toNodeId)) {
            return "node " + toNodeId + " is being drained";
        }
        return null;
    }

    /** The record of a move about to start. */
    public static InstanceMove request(final String toNodeId, final String reason, final long nowMillis) {
        return InstanceMove.newBuilder()
                .setToNodeId(toNodeId)
                .setPhase(MovePhase.MOVE_PHASE_PREPARING)
                .setReason(reason)
                .setRequestedAtUnixMs(nowMillis)
                .build();
    }

    /** A split of a whole continent whose cells all run: its players handed over to the cell of each's place. */
    public static InstanceMove split(final long nowMillis) {
        return InstanceMove.newBuilder()
                .setToCells(true)
                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                .setReason("split")
                .setRequestedAtUnixMs(nowMillis)
                .build();
    }

    /** A cell's part in a merge: its players handed over to {@code whole}, which runs already. */
    public static InstanceMove merge(final MapInstance whole, final long nowMillis) {
        return InstanceMove.newBuilder()
                .setToNodeId(whole.getNodeId())
                .setToInstanceId(whole.getInstanceId())
                .setPhase(MovePhase.MOVE_PHASE_HANDING_OVER)
                .setReason("merge")
                .setRequestedAtUnixMs(nowMillis)
                .build();
    }

    /** Start {@code move}: only while the instance is at the epoch decided from and not moving yet. */
    public static List<Cmp> startConditions(final Keys keys, final MapInstance instance) {
        return List.of(
                new Cmp(
                        keys.instance(instance.getInstanceId()),
                        Cmp.Op.EQUAL,
                        CmpTarget.modRevision(instance.getEpoch())),
                new Cmp(keys.move(instance.getInstanceId()), Cmp.Op.EQUAL, CmpTarget.version(0)));
    }

    public static List<Op> start(final Keys keys, final MapInstance instance, final InstanceMove move) {
        return List.of(Op.put(keys.move(instance.getInstanceId()), stored(move), PutOption.DEFAULT));
    }

    /** Only while the move is the one decided from. */
    public static Cmp sameMove(final Keys keys, final MapInstance instance) {
        return new Cmp(
                keys.move(instance.getInstanceId()),
                Cmp.Op.EQUAL,
                CmpTarget.modRevision(instance.getMove().getEpoch()));
    }

    /** The move enters its next phase (a new move epoch: the target's confirmation is for the old one). */
    public static List<Op> advance(final Keys keys, final MapInstance instance, final MovePhase phase) {
        return List.of(Op.put(
                keys.move(instance.getInstanceId()),
                stored(instance.getMove().toBuilder().setPhase(phase).build()),
                PutOption.DEFAULT));
    }

    /** Forget the move: called off, or done. */
    public static List<Op> end(final Keys keys, final String instanceId) {
        return List.of(
                Op.delete(keys.move(instanceId), DeleteOption.DEFAULT),
                Op.delete(keys.moveStatus(instanceId), DeleteOption.DEFAULT));
    }

    /** The instance becomes the target's, at a new epoch the target confirms (it runs it already). */
    public static List<Op> finish(final Keys keys, final MapInstance instance) {
        final List<Op> ops = new ArrayList<>(end(keys, instance.getInstanceId()));
        ops.add(Op.put(
                keys.instance(instance.getInstanceId()),
                ByteSequence.from(finished(instance).toByteArray()),
                PutOption.DEFAULT));
        ops.add(Op.delete(keys.instanceStatus(instance.getInstanceId()), DeleteOption.DEFAULT));
        return ops;
    }

    /** The assignment once the move is done: the target's, pending its confirmation of the new epoch. */
    public static MapInstance finished(final MapInstance instance) {
        return instance.toBuilder()
                .setNodeId(instance.getMove().getToNodeId())
                .setState(InstanceState.INSTANCE_STATE_PENDING)
                .setReservedPlayers(0)
                .clearEpoch()
                .clearMove()
                .build();
    }

    private static ByteSequence stored(final InstanceMove move) {
        return ByteSequence.from(
                move.toBuilder().clearEpoch().clearToNode().build().toByteArray());
    }
}
