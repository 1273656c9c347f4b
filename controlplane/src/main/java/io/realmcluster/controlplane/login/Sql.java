package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SQL failures as statuses a caller can act on: a taken name, or a database that is not there. */
final class Sql {
    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);
    private static final String UNIQUE_VIOLATION = "23505";
    /** What callers are told: no host, no driver, no SQL. */
    static final Status UNAVAILABLE =
            Status.UNAVAILABLE.withDescription("the account database is unavailable; try again in a moment");

    private Sql() {}

    static boolean isUniqueViolation(final SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /**
     * UNAVAILABLE for connection loss, timeouts and anything else unexpected: the caller (perhaps not
     * logged in) hears only that the database failed; the log names the database and why, for operators.
     */
    static StatusRuntimeException unavailable(final String where, final SQLException e) {
        String reason = firstLine(e.getMessage());
        // The pool's "connection is not available" hides why; its cause says (refused, timed out...).
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            reason += ": " + firstLine(e.getCause().getMessage());
        }
        LOG.warn("the database at {} failed: {}", where, reason);
        return UNAVAILABLE.asRuntimeException();
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "no reason given";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
