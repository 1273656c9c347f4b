package io.realmcluster.common.cli;

/**
 * A failure an operator can fix (a port in use, an unreachable etcd): reported as one line that
 * says what and where, without a stack trace unless {@code --verbose}.
 */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(final String message) {
        super(message);
    }

    public StartupException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
