package io.realmcluster.controlplane.placement;

import io.realmcluster.proto.v1.MapInstance;

/**
 * Moves a running continent, with its players, to another node. A joining node gets new
 * instances at once, but a continent only moves through a migration (every character transferred
 * with a loading screen, not a disconnect); the placement controller asks for one here when
 * continents are spread unevenly.
 */
@FunctionalInterface
public interface ContinentMigration {
    /** No migrations: continents stay where they were placed until their node dies. */
    ContinentMigration NONE = (continent, toNodeId) -> false;

    /** Start moving {@code continent} to {@code toNodeId}; false when that is not possible now. */
    boolean requestMove(MapInstance continent, String toNodeId);
}
