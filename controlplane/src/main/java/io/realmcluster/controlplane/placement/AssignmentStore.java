package io.realmcluster.controlplane.placement;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.realmcluster.controlplane.election.Leadership;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MovePhase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every write to instance assignments and their moves, each one etcd transaction fenced by the
 * leadership and conditioned on the revision it was decided from (the moves' operations come from
 * {@link InstanceMoves}). Each returns the revision written, or null when a condition failed:
 * something changed meanwhile, and the next pass decides again.
 */
public final class AssignmentStore {
    private final EtcdStore store;
    private final Keys keys;

    public AssignmentStore(final EtcdStore store, final Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    /**
     * A new instance bound to its owner, while the binding is still {@code bound} (null: none) and no
     * assignment exists under its id: a new id never overwrites an instance (null when either fails).
     */
    public Long place(final Leadership fence, final MapInstance instance, final String bound) {
        final ByteSequence binding = keys.binding(instance.getRealm(), instance.getMapId(), instance.getOwner());
        final Cmp unchanged = bound == null
                ? new Cmp(binding, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(binding, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(bound, StandardCharsets.UTF_8)));
        final ByteSequence key = keys.instance(instance.getInstanceId());
        return store.fencedTxn(
                fence.fence(),
                List.of(unchanged, new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))),
                List.of(
                        put(key, instance),
                        Op.put(
                                binding,
                                ByteSequence.from(instance.getInstanceId(), StandardCharsets.UTF_8),
                                PutOption.DEFAULT)));
    }

    /** A continent that runs nowhere, while no assignment exists under its id. */
    public Long placeContinent(final Leadership fence, final MapInstance instance) {
        final ByteSequence key = keys.instance(instance.getInstanceId());
        return store.fencedTxn(
                fence.fence(), List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))), List.of(put(key, instance)));
    }

    /** Replace the assignment if it is still the one decided from; a new epoch begins, unconfirmed. */
    public Long rewrite(final Leadership fence, final MapInstance current, final MapInstance next) {
        return store.fencedTxn(
                fence.fence(),
                List.of(decidedFrom(current)),
                List.of(
                        put(keys.instance(current.getInstanceId()), next),
                        Op.delete(keys.instanceStatus(current.getInstanceId()), DeleteOption.DEFAULT)));
    }

    /** Delete the assignment, its status and its owner's binding, if still the one decided from. */
    public Long remove(final Leadership fence, final MapInstance instance) {
        final String id = instance.getInstanceId();
        final List<Op> ops = new ArrayList<>(List.of(
                Op.delete(keys.instance(id), DeleteOption.DEFAULT),
                Op.delete(keys.instanceStatus(id), DeleteOption.DEFAULT)));
        if (!instance.getOwner().isEmpty()) {
            ops.add(Op.delete(
                    keys.binding(instance.getRealm(), instance.getMapId(), instance.getOwner()), DeleteOption.DEFAULT));
        }
        return store.fencedTxn(fence.fence(), List.of(decidedFrom(instance)), ops);
    }

    /** Start {@code move} of an instance at the epoch decided from and not moving yet. */
    public Long startMove(final Leadership fence, final MapInstance instance, final InstanceMove move) {
        return store.fencedTxn(
                fence.fence(),
                InstanceMoves.startConditions(keys, instance),
                InstanceMoves.start(keys, instance, move));
    }

    /**
     * An operator's move, without leadership: it holds only while the instance is where it was
     * read, and the leader's controller takes the move from there.
     */
    public Long requestMove(final MapInstance instance, final InstanceMove move) {
        return store.txn(InstanceMoves.startConditions(keys, instance), InstanceMoves.start(keys, instance, move));
    }

    /** The target confirmed its copy: the source hands its players over. */
    public Long handOver(final Leadership fence, final MapInstance instance) {
        return store.fencedTxn(
                fence.fence(),
                List.of(InstanceMoves.sameMove(keys, instance)),
                InstanceMoves.advance(keys, instance, MovePhase.MOVE_PHASE_HANDING_OVER));
    }

    /** The instance becomes its move's target's, if both are still as decided from. */
    public Long finishMove(final Leadership fence, final MapInstance instance) {
        return store.fencedTxn(
                fence.fence(),
                List.of(InstanceMoves.sameMove(keys, instance), decidedFrom(instance)),
                InstanceMoves.finish(keys, instance));
    }

    /** Forget the instance's move, if it is still the one decided from: its players stay where they are. */
    public Long callOffMove(final Leadership fence, final MapInstance instance) {
        return store.fencedTxn(
                fence.fence(),
                List.of(InstanceMoves.sameMove(keys, instance)),
                InstanceMoves.end(keys, instance.getInstanceId()));
    }

    /** Forget the move of an instance that is gone. */
    public Long endOrphanMove(final Leadership fence, final String instanceId) {
        return store.fencedTxn(fence.fence(), List.of(), InstanceMoves.end(keys, instanceId));
    }

    /** Continent {@code continent} is to run as {@code cells} cells, by the control plane's own decision. */
    public Long setLayout(final Leadership fence, final String continent, final int cells, final long nowMillis) {
        return store.fencedTxn(
                fence.fence(),
                List.of(),
                List.of(Op.put(
                        keys.cellLayout(continent),
                        ByteSequence.from(CellLayout.newBuilder()
                                .setCells(cells)
                                .setAutomatic(true)
                                .setRequestedAtUnixMs(nowMillis)
                                .build()
                                .toByteArray()),
                        PutOption.DEFAULT)));
    }

    private Cmp decidedFrom(final MapInstance instance) {
        return new Cmp(
                keys.instance(instance.getInstanceId()), Cmp.Op.EQUAL, CmpTarget.modRevision(instance.getEpoch()));
    }

    /** The epoch is the key's revision and the move lives under its own key: neither is stored. */
    private static Op put(final ByteSequence key, final MapInstance instance) {
        return Op.put(
                key,
                ByteSequence.from(
                        instance.toBuilder().clearEpoch().clearMove().build().toByteArray()),
                PutOption.DEFAULT);
    }
}
