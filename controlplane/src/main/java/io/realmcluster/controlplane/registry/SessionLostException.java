package io.realmcluster.controlplane.registry;

/** The session's lease expired or another session owns the node's entry: the node must register again. */
public final class SessionLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionLostException(final String message) {
        super(message);
    }
}
