package io.realmcluster.controlplane.election;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;

/**
 * Proof of leadership: the candidate key that won and its create revision. Every write of the
 * leader carries {@link #fence()}, so a deposed leader (its key gone with its lease) cannot write.
 */
public record Leadership(ByteSequence key, long revision, long leaseId) {

    /** The condition a fenced write puts first in its transaction. */
    public Cmp fence() {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(revision));
    }
}
