package io.realmcluster.dataplane.transfer;

import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PendingSave;
import io.realmcluster.dataplane.store.RealmTable;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Characters in memory under the database's rules for transfers: the target's claim, the source's
 * abort and the sweeper's reset are each a compare-and-set on the epoch and transfer id of a row
 * IN_TRANSFER, so exactly one of them wins. Logins and saves are not its business.
 */
final class FakeCharacterStore implements CharacterStore {
    /** A character's row: who owns it, at which epoch, in which state, under which transfer. */
    record Row(String owner, long epoch, String state, UUID transferId) {}

    private final Map<Long, Row> rows = new HashMap<>();
    private final RealmTable realms = RealmTable.everyRealm();
    private int failingAborts;

    /** What the source's departure save leaves: the character frozen by {@code owner} at {@code epoch}. */
    synchronized void frozen(final long characterId, final long epoch, final UUID transferId, final String owner) {
        rows.put(characterId, new Row(owner, epoch, "IN_TRANSFER", transferId));
    }

    synchronized Row row(final long characterId) {
        return rows.get(characterId);
    }

    /** The next {@code count} aborts fail as a database that does not answer. */
    synchronized void failAborts(final int count) {
        failingAborts = count;
    }

    /** The sweeper's reset of a stale transfer: OFFLINE, if the transfer is still open. */
    synchronized boolean sweep(final long characterId, final long epoch, final UUID transferId) {
        if (!open(characterId, epoch, transferId)) {
            return false;
        }
        rows.put(characterId, new Row(null, epoch, "OFFLINE", transferId));
        return true;
    }

    @Override
    public RealmTable realms() {
        return realms;
    }

    @Override
    public synchronized ClaimedCharacter claimTransfer(
            final long characterId, final long epoch, final UUID transferId, final String nodeId) throws ClaimRefused {
        final Row row = rows.get(characterId);
        if (open(characterId, epoch, transferId)) {
            rows.put(characterId, new Row(nodeId, epoch + 1, "ONLINE", transferId));
            return claimed(characterId, epoch + 1);
        }
        if (row != null
                && row.state().equals("ONLINE")
                && nodeId.equals(row.owner())
                && row.epoch() == epoch + 1
                && transferId.equals(row.transferId())) {
            // A retry of a claim that landed.
            return claimed(characterId, epoch + 1);
        }
        throw ClaimRefused.transferGone(characterId, epoch, transferId);
    }

    @Override
    public synchronized long abortTransfer(
            final long characterId, final long epoch, final UUID transferId, final String nodeId) throws SQLException {
        if (failingAborts > 0) {
            failingAborts--;
            throw new SQLException("the database does not answer");
        }
        final Row row = rows.get(characterId);
        if (!open(characterId, epoch, transferId) || !nodeId.equals(row.owner())) {
            return -1;
        }
        rows.put(characterId, new Row(nodeId, epoch + 1, "ONLINE", transferId));
        return epoch + 1;
    }

    @Override
    public synchronized void release(final long characterId, final long epoch, final String nodeId) {
        final Row row = rows.get(characterId);
        if (row != null && row.state().equals("ONLINE") && nodeId.equals(row.owner()) && row.epoch() == epoch) {
            rows.put(characterId, new Row(null, epoch, "OFFLINE", row.transferId()));
        }
    }

    @Override
    public ClaimedCharacter claim(
            final long characterId, final long accountId, final long expectedEpoch, final String nodeId) {
        throw new UnsupportedOperationException("logins are not a transfer's business");
    }

    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) {
        throw new UnsupportedOperationException("saves are not a transfer's business");
    }

    private boolean open(final long characterId, final long epoch, final UUID transferId) {
        final Row row = rows.get(characterId);
        return row != null
                && row.state().equals("IN_TRANSFER")
                && row.epoch() == epoch
                && transferId.equals(row.transferId());
    }

    private static ClaimedCharacter claimed(final long characterId, final long epoch) {
        return new ClaimedCharacter(
                characterId, characterId, 1, epoch, 0, "main", "Mover", 1, 1, 1, 0, 0, 0, "", 0f, 0f, 0f, 0f);
    }
}
