package io.realmcluster.dataplane.net;

import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.proto.v1.AnswerInviteResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an accepted invite goes next: the entry into the battleground (save the entry point, move
 * the player to the battleground's node with its team). Called on the session's event loop; an
 * implementation hands slow work elsewhere.
 */
public interface BattlegroundEntries {
    /** Takes nobody anywhere yet: logs the accept. */
    BattlegroundEntries LOGGING = new BattlegroundEntries() {
        private final Logger log = LoggerFactory.getLogger(BattlegroundEntries.class);

        @Override
        public void accepted(final ClaimedCharacter character, final AnswerInviteResponse where) {
            log.info(
                    "{}-{} accepted match {}: instance {} on node {}, team {} (entry not built yet)",
                    character.name(),
                    character.realm(),
                    where.getMatchId(),
                    where.getInstanceId(),
                    where.getNode().getNodeId(),
                    where.getTeam());
        }
    };

    /** {@code character} accepted its invite; {@code where} is the battleground's instance, node and team. */
    void accepted(ClaimedCharacter character, AnswerInviteResponse where);
}
