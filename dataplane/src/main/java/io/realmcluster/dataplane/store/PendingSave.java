package io.realmcluster.dataplane.store;

import io.realmcluster.dataplane.pipeline.Saves;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * What the saver will write for one character: its latest state from the save log, and every loot
 * since its last durable save (each becomes a ledger entry). Reused: the saver pools them.
 */
public final class PendingSave {
    /** The character's key ({@link CharacterKey}): its store writes it to its realm's database. */
    long characterId;

    long epoch;
    long saveSeq;
    int mapHandle;
    int session;
    int level;
    int mapId;
    String instanceId = "";
    long experience;
    long money;
    float x;
    float y;
    float z;
    float orientation;
    boolean logout;
    /** Set by a DEPART record: the save freezes the character for this transfer, then it goes where these say. */
    UUID transferId;

    /**
     * Set with a DEPART into a battleground: the match, written with the entry point (the position
     * this save carries) in the same fenced UPDATE. Null otherwise.
     */
    String bgMatchId;

    int toMapId;
    float toX;
    float toY;
    float toZ;
    float toO;
    /**
     * Wall clock at the tick that froze the player (when it stopped playing), from the DEPART record's
     * monotonic time; when the saver took the record if that time is not this process's clock.
     */
    long frozenAtMillis;
    /** Landed (or found fenced) in the flush at hand: the saver takes it off its list when the flush ends. */
    boolean written;
    /** For each loot: the save sequence of its record, the corpse, the copper, the money after it. */
    final LongArrayList lootSeqs = new LongArrayList();

    final LongArrayList lootCorpses = new LongArrayList();
    final LongArrayList lootCopper = new LongArrayList();
    final LongArrayList lootMoneyAfter = new LongArrayList();

    /**
     * The save a player's logout writes when nothing changed since {@code character} was claimed,
     * held now at {@code epoch} with the next {@code saveSeq}: for benchmarks and tools that play a
     * node without a map (the saver builds its saves from the save log).
     */
    public static PendingSave logout(final ClaimedCharacter character, final long epoch, final long saveSeq) {
        final PendingSave save = unchanged(character, epoch, saveSeq);
        save.logout = true;
        return save;
    }

    /**
     * The save a portal's departure writes when nothing changed since {@code character} was
     * claimed: it freezes the character IN_TRANSFER under {@code transferId}. For benchmarks and
     * tools, as {@link #logout}; where it goes is left unset (the store does not write it).
     */
    public static PendingSave departure(
            final ClaimedCharacter character, final long epoch, final long saveSeq, final UUID transferId) {
        final PendingSave save = unchanged(character, epoch, saveSeq);
        save.transferId = transferId;
        return save;
    }

    private static PendingSave unchanged(final ClaimedCharacter character, final long epoch, final long saveSeq) {
        final PendingSave save = new PendingSave();
        save.characterId = character.key();
        save.epoch = epoch;
        save.saveSeq = saveSeq;
        save.level = character.level();
        save.experience = character.experience();
        save.money = character.money();
        save.mapId = character.mapId();
        save.instanceId = character.instanceId();
        save.x = character.x();
        save.y = character.y();
        save.z = character.z();
        save.orientation = character.orientation();
        return save;
    }

    /**
     * Take a record's state: records of one claim arrive in the order its map wrote them, so the
     * latest wins. A record of an earlier claim than the one pending (the character logged in again
     * on this node, on another map) is stale: its save would be fenced anyway.
     */
    void apply(final int type, final DirectBuffer buffer, final int offset, final String instance) {
        final long recordEpoch = buffer.getLong(offset + Saves.EPOCH);
        if (characterId != 0 && recordEpoch < epoch) {
            return;
        }
        if (recordEpoch > epoch) {
            // A new claim of the same character: what the earlier one had pending is fenced.
            clearLoots();
            logout = false;
            transferId = null;
            bgMatchId = null;
        }
        characterId = buffer.getLong(offset + Saves.CHARACTER);
        epoch = recordEpoch;
        saveSeq = buffer.getLong(offset + Saves.SEQUENCE);
        mapHandle = buffer.getInt(offset + Saves.MAP_HANDLE);
        session = buffer.getInt(offset + Saves.SESSION);
        level = buffer.getInt(offset + Saves.LEVEL);
        mapId = buffer.getInt(offset + Saves.MAP_ID);
        instanceId = instance;
        experience = buffer.getLong(offset + Saves.EXPERIENCE);
        money = buffer.getLong(offset + Saves.MONEY);
        x = buffer.getFloat(offset + Saves.X);
        y = buffer.getFloat(offset + Saves.Y);
        z = buffer.getFloat(offset + Saves.Z);
        orientation = buffer.getFloat(offset + Saves.O);
        logout |= type == Saves.LOGOUT;
        if (type == Saves.DEPART) {
            transferId = UUID.randomUUID();
            toMapId = buffer.getInt(offset + Saves.TO_MAP);
            toX = buffer.getFloat(offset + Saves.TO_X);
            toY = buffer.getFloat(offset + Saves.TO_Y);
            toZ = buffer.getFloat(offset + Saves.TO_Z);
            toO = buffer.getFloat(offset + Saves.TO_O);
            frozenAtMillis = wallClockOf(buffer.getLong(offset + Saves.FROZEN_AT_NANOS));
        }
        if (type == Saves.LOOT) {
            lootSeqs.addLong(saveSeq);
            lootCorpses.addLong(buffer.getLong(offset + Saves.CORPSE));
            lootCopper.addLong(buffer.getLong(offset + Saves.COPPER));
            lootMoneyAfter.addLong(money);
        }
    }

    private static long wallClockOf(final long tickNanos) {
        final long now = System.currentTimeMillis();
        final long agoNanos = System.nanoTime() - tickNanos;
        // A map on a clock of its own (a test's) gives a time that means nothing here.
        return agoNanos >= 0 && agoNanos < TimeUnit.MINUTES.toNanos(1)
                ? now - TimeUnit.NANOSECONDS.toMillis(agoNanos)
                : now;
    }

    /** Someone waits for this save: a loot's confirmation, a logout's goodbye, a frozen player's hand-over. */
    boolean awaited() {
        return logout || transferId != null || !lootSeqs.isEmpty();
    }

    boolean hasLoot() {
        return !lootSeqs.isEmpty();
    }

    void clearLoots() {
        lootSeqs.clear();
        lootCorpses.clear();
        lootCopper.clear();
        lootMoneyAfter.clear();
    }

    void reset() {
        clearLoots();
        characterId = 0;
        epoch = 0;
        saveSeq = 0;
        logout = false;
        transferId = null;
        bgMatchId = null;
        instanceId = "";
        written = false;
    }

    public long characterId() {
        return characterId;
    }

    public long epoch() {
        return epoch;
    }

    public long saveSeq() {
        return saveSeq;
    }

    public long money() {
        return money;
    }

    public boolean logout() {
        return logout;
    }

    /** The transfer this save freezes the character for; null for a plain save. */
    public UUID transferId() {
        return transferId;
    }

    public int loots() {
        return lootSeqs.size();
    }
}
