package io.realmcluster.controlplane.etcd;

/** etcd did not answer within the deadline, or refused: callers turn it into UNAVAILABLE. */
public final class EtcdUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EtcdUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
