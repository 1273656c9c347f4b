package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;

/** SQL failures as statuses a caller can act on: a taken name, or a database that is not there. */
final class Sql {
    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {}

    static boolean isUniqueViolation(final SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /** UNAVAILABLE naming the database, for connection loss, timeouts and anything else unexpected. */
    static StatusRuntimeException unavailable(final String where, final SQLException e) {
        String reason = firstLine(e.getMessage());
        // The pool's "connection is not available" hides why; its cause says (refused, timed out...).
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            reason += ": " + firstLine(e.getCause().getMessage());
        }
        return Status.UNAVAILABLE
                .withDescription("the database at " + where + " failed: " + reason)
                .asRuntimeException();
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "no reason given";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
