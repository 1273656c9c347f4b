package io.realmcluster.controlplane.login;

import java.sql.SQLException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** SQL failures as statuses a caller can act on: a taken name, or a database that is not there. */
final class Sql {
    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    static boolean isUniqueViolation(final SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /** UNAVAILABLE naming the database, for connection loss, timeouts and anything else unexpected. */
    static StatusRuntimeException unavailable(final String where, final SQLException e) {
        return Status.UNAVAILABLE.withDescription("the database at " + where + " failed: " + e.getMessage())
            .asRuntimeException();
    }
}
