package io.realmcluster.controlplane.etcd;

/** A fenced write failed its fence: this replica's leadership ended; it must stop acting as leader. */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotLeaderException() {
        super("this control plane is no longer the leader");
    }
}
