package io.realmcluster.dataplane.net;

import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.RealmTable;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions' calls to the character store: a login's claim of its character for this node, and the
 * giving back of one that is no longer played here. The store blocks, so they run on {@code storeThreads}
 * (a bounded queue: a login storm beyond it is refused, not queued without end), never on an event loop.
 */
final class CharacterClaims {
    private static final Logger LOG = LoggerFactory.getLogger(CharacterClaims.class);

    /** Where a claim's answer goes: the character, or why it was refused. */
    @FunctionalInterface
    interface Answer {
        void claimed(ClaimedCharacter character, ClaimRefused refused);
    }

    private final CharacterStore store;
    private final Executor storeThreads;
    private final String nodeId;

    /** The realms whose characters the store holds: a login's character key comes from them. */
    RealmTable realms() {
        return store.realms();
    }

    CharacterClaims(final CharacterStore store, final Executor storeThreads, final String nodeId) {
        this.store = store;
        this.storeThreads = storeThreads;
        this.nodeId = nodeId;
    }

    /**
     * Claim {@code characterId} of {@code accountId} for this node, while its epoch is still {@code epoch} (the
     * login token's); {@code answer} hears the outcome on {@code answerOn}. False when the store threads are
     * saturated: nothing was tried.
     */
    boolean claim(
            final long characterId,
            final long accountId,
            final long epoch,
            final Executor answerOn,
            final Answer answer) {
        try {
            storeThreads.execute(() -> {
                ClaimedCharacter result = null;
                ClaimRefused refused = null;
                try {
                    result = store.claim(characterId, accountId, epoch, nodeId);
                } catch (final ClaimRefused e) {
                    refused = e;
                }
                final ClaimedCharacter got = result;
                final ClaimRefused why = refused;
                answerOn.execute(() -> answer.claimed(got, why));
            });
            return true;
        } catch (final RejectedExecutionException e) {
            return false;
        }
    }

    /** Give back {@code character}, claimed for a session that will not play it here. */
    void release(final ClaimedCharacter character) {
        try {
            storeThreads.execute(() -> {
                try {
                    store.release(character.key(), character.epoch(), nodeId);
                } catch (final SQLException e) {
                    LOG.warn(
                            "could not give back character {} (it stays claimed until its next login): {}",
                            character.characterId(),
                            e.getMessage());
                }
            });
        } catch (final RejectedExecutionException e) {
            LOG.warn("could not give back character {}: the store threads are saturated", character.characterId());
        }
    }
}
