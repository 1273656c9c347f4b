package io.realmcluster.controlplane.registry;

/** The link's lease expired or another link owns the node's entry: the node must register again. */
public final class LinkLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LinkLostException(final String message) {
        super(message);
    }
}
