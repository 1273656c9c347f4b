package io.realmcluster.dataplane.net;

import io.grpc.StatusRuntimeException;

/**
 * What a battleground's node tells the leader about its matches: a player out of its match, and how the
 * match ended. Each call blocks, with a deadline; called on the node's battleground-exits thread.
 */
public interface MatchReports {
    /**
     * The player left match {@code matchId} (home; {@code deserted} when it left before the end).
     *
     * @throws StatusRuntimeException UNAVAILABLE or DEADLINE_EXCEEDED when the leader cannot answer now
     */
    void left(String realm, long characterId, String matchId, boolean deserted);

    /**
     * Match {@code matchId} ended: {@code winner} a Faction number (1 Alliance, 2 Horde; 0 with {@code draw}).
     *
     * @throws StatusRuntimeException UNAVAILABLE or DEADLINE_EXCEEDED when the leader cannot answer now
     */
    void result(String matchId, int winner, boolean draw, long allianceScore, long hordeScore);

    /** Tells nobody: a node without a control plane. */
    MatchReports NONE = new MatchReports() {
        @Override
        public void left(final String realm, final long characterId, final String matchId, final boolean deserted) {}

        @Override
        public void result(
                final String matchId,
                final int winner,
                final boolean draw,
                final long allianceScore,
                final long hordeScore) {}
    };
}
