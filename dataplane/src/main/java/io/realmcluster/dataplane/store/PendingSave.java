package io.realmcluster.dataplane.store;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Saves;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * What the saver will write for one character: its latest state from the save log, the items of its
 * latest item record, every item change since its last durable save (each confirmed to its map once
 * durable, some with a ledger entry) and the half of a trade it waits to pair. Reused: the saver pools
 * them.
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
     * A departure the saver gave back (the database did not take it in time): the player plays on here, and
     * this save lands over the row whether an attempt of the departure's freeze landed or not.
     */
    UUID givenBackTransferId;
    /** When the saver read the DEPART record (its clock), for giving the player back. */
    long departSinceNanos;

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

    /** Whether an item record of this claim is pending: then the items below are what the character holds. */
    boolean itemsChanged;
    /** The items of the latest item record, {@code itemCount} of them (valid entries only, one per slot). */
    int itemCount;

    final long[] itemIds = new long[InventorySlots.COUNT];
    final int[] itemTemplates = new int[InventorySlots.COUNT];
    final int[] itemSlots = new int[InventorySlots.COUNT];
    final int[] itemCounts = new int[InventorySlots.COUNT];
    private final boolean[] slotTaken = new boolean[InventorySlots.COUNT];

    /** The LOOT and ITEMS records since the last durable save, in record order: {@code changeCount} of them. */
    ItemChange[] changes = new ItemChange[4];

    int changeCount;

    /** The trade this character's pending TRADE half belongs to (its number on its map), 0 for none. */
    long tradeSeq;
    /** The trade's other character (its key). */
    long partner;
    /** The TRADE record's save sequence: its ledger entry's. */
    long tradeSaveSeq;
    /** Money the trade gained this character (negative: gave). */
    long tradeCopper;

    final long[] given = new long[Saves.MAX_TRADED];
    int givenCount;
    final long[] received = new long[Saves.MAX_TRADED];
    int receivedCount;
    /** The trade's id in the ledger, the same for both halves and every retry of their transaction; set by the saver. */
    UUID tradeId;
    /** When the saver took the TRADE half (its clock): a half whose partner never comes is dropped after a while. */
    long tradeSinceNanos;

    /**
     * One LOOT or ITEMS record: what its ledger entry says (if it has one) and what its confirmation shows
     * (the two slots as the record left them). Reused.
     */
    static final class ItemChange {
        int type;
        long saveSeq;
        int action;
        long created;
        long destroyed;
        long copper;
        long corpse;
        long moneyAfter;
        int slotA;
        long idA;
        int templateA;
        int countA;
        int slotB;
        long idB;
        int templateB;
        int countB;

        /** Whether this change has a ledger entry: it created or destroyed an item, or moved money. */
        boolean ledgered() {
            return created != 0 || destroyed != 0 || copper != 0;
        }

        /** The ledger entry's source. */
        String source() {
            return switch (action) {
                case Saves.ACTION_LOOT -> "loot";
                case Saves.ACTION_SPLIT -> "split";
                case Saves.ACTION_DESTROY -> "destroy";
                case Saves.ACTION_MOVE -> "merge";
                default -> type == Saves.LOOT ? "loot" : "items";
            };
        }

        ItemChange copy() {
            final ItemChange copy = new ItemChange();
            copy.type = type;
            copy.saveSeq = saveSeq;
            copy.action = action;
            copy.created = created;
            copy.destroyed = destroyed;
            copy.copper = copper;
            copy.corpse = corpse;
            copy.moneyAfter = moneyAfter;
            copy.slotA = slotA;
            copy.idA = idA;
            copy.templateA = templateA;
            copy.countA = countA;
            copy.slotB = slotB;
            copy.idB = idB;
            copy.templateB = templateB;
            copy.countB = countB;
            return copy;
        }
    }

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
            clearItems();
            logout = false;
            transferId = null;
            givenBackTransferId = null;
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
        if (type == Saves.LOOT || type == Saves.ITEMS || type == Saves.TRADE) {
            takeItems(buffer, offset);
            if (type == Saves.TRADE) {
                takeTrade(buffer, offset);
            } else {
                addChange(type, buffer, offset);
            }
        }
    }

    /**
     * The record's items become what the character holds. An entry no map writes (no id, no count, a
     * slot out of range or taken twice, an id twice) is skipped: written, it would fail its batch for good.
     */
    private void takeItems(final DirectBuffer buffer, final int offset) {
        final int count = Math.max(0, Math.min(InventorySlots.COUNT, buffer.getInt(offset + Saves.ITEM_COUNT)));
        Arrays.fill(slotTaken, false);
        itemCount = 0;
        for (int i = 0; i < count; i++) {
            final int at = offset + Saves.ITEMS_START + i * Saves.ITEM_ENTRY;
            final long id = buffer.getLong(at + Saves.ITEM_ID);
            final int slot = buffer.getShort(at + Saves.ITEM_SLOT);
            final int stack = buffer.getShort(at + Saves.ITEM_STACK);
            if (id <= 0 || stack <= 0 || !InventorySlots.valid(slot) || slotTaken[slot] || holds(id)) {
                continue;
            }
            slotTaken[slot] = true;
            itemIds[itemCount] = id;
            itemTemplates[itemCount] = buffer.getInt(at + Saves.ITEM_TEMPLATE);
            itemSlots[itemCount] = slot;
            itemCounts[itemCount] = stack;
            itemCount++;
        }
        itemsChanged = true;
    }

    private boolean holds(final long id) {
        for (int i = 0; i < itemCount; i++) {
            if (itemIds[i] == id) {
                return true;
            }
        }
        return false;
    }

    private void addChange(final int type, final DirectBuffer buffer, final int offset) {
        if (changeCount == changes.length) {
            changes = Arrays.copyOf(changes, changeCount * 2);
        }
        ItemChange change = changes[changeCount];
        if (change == null) {
            change = new ItemChange();
            changes[changeCount] = change;
        }
        changeCount++;
        change.type = type;
        change.saveSeq = saveSeq;
        change.action = buffer.getInt(offset + Saves.ACTION);
        change.created = Math.max(0, buffer.getLong(offset + Saves.CREATED));
        change.destroyed = Math.max(0, buffer.getLong(offset + Saves.DESTROYED));
        change.copper = type == Saves.LOOT ? buffer.getLong(offset + Saves.COPPER) : 0;
        change.corpse = type == Saves.LOOT ? buffer.getLong(offset + Saves.CORPSE) : 0;
        change.moneyAfter = money;
        change.slotA = slotOrNone(buffer.getInt(offset + Saves.SLOT_A));
        change.slotB = slotOrNone(buffer.getInt(offset + Saves.SLOT_B));
        change.idA = 0;
        change.templateA = 0;
        change.countA = 0;
        change.idB = 0;
        change.templateB = 0;
        change.countB = 0;
        for (int i = 0; i < itemCount; i++) {
            if (itemSlots[i] == change.slotA) {
                change.idA = itemIds[i];
                change.templateA = itemTemplates[i];
                change.countA = itemCounts[i];
            }
            if (itemSlots[i] == change.slotB) {
                change.idB = itemIds[i];
                change.templateB = itemTemplates[i];
                change.countB = itemCounts[i];
            }
        }
    }

    private static int slotOrNone(final int slot) {
        return InventorySlots.valid(slot) ? slot : -1;
    }

    private void takeTrade(final DirectBuffer buffer, final int offset) {
        tradeSeq = buffer.getLong(offset + Saves.TRADE_SEQ);
        partner = buffer.getLong(offset + Saves.PARTNER);
        tradeSaveSeq = saveSeq;
        tradeCopper = buffer.getLong(offset + Saves.COPPER);
        givenCount = readIds(buffer, offset + Saves.GIVEN_COUNT, offset + Saves.GIVEN, given);
        receivedCount = readIds(buffer, offset + Saves.RECEIVED_COUNT, offset + Saves.RECEIVED, received);
        tradeId = null;
        tradeSinceNanos = 0;
    }

    private static int readIds(final DirectBuffer buffer, final int countAt, final int idsAt, final long[] into) {
        final int count = Math.max(0, Math.min(Saves.MAX_TRADED, buffer.getInt(countAt)));
        for (int i = 0; i < count; i++) {
            into[i] = buffer.getLong(idsAt + i * Long.BYTES);
        }
        return count;
    }

    private static long wallClockOf(final long tickNanos) {
        final long now = System.currentTimeMillis();
        final long agoNanos = System.nanoTime() - tickNanos;
        // A map on a clock of its own (a test's) gives a time that means nothing here.
        return agoNanos >= 0 && agoNanos < TimeUnit.MINUTES.toNanos(1)
                ? now - TimeUnit.NANOSECONDS.toMillis(agoNanos)
                : now;
    }

    /**
     * Someone waits for this save: an item change's confirmation, a trade's settlement, a logout's goodbye,
     * a frozen player's hand-over.
     */
    boolean awaited() {
        return logout || transferId != null || changeCount > 0 || tradeSeq != 0;
    }

    /** Whether this save writes more than the character's row: items, or ledger entries. */
    boolean writesItems() {
        return itemsChanged || changeCount > 0 || tradeSeq != 0;
    }

    /** A TRADE half waits for its other half: it is written with it, in a transaction of their own. */
    boolean trading() {
        return tradeSeq != 0;
    }

    /** The character's items of the latest item record. */
    public List<ItemStack> items() {
        final ItemStack[] items = new ItemStack[itemCount];
        for (int i = 0; i < itemCount; i++) {
            items[i] = new ItemStack(itemIds[i], itemTemplates[i], itemSlots[i], itemCounts[i]);
        }
        return List.of(items);
    }

    void clearItems() {
        itemsChanged = false;
        itemCount = 0;
        changeCount = 0;
        tradeSeq = 0;
        partner = 0;
        givenCount = 0;
        receivedCount = 0;
        tradeId = null;
        tradeSinceNanos = 0;
    }

    void reset() {
        clearItems();
        characterId = 0;
        epoch = 0;
        saveSeq = 0;
        logout = false;
        transferId = null;
        givenBackTransferId = null;
        departSinceNanos = 0;
        bgMatchId = null;
        instanceId = "";
        written = false;
    }

    /**
     * The departure this save freezes is called off before it landed: the save becomes the player's snapshot
     * again, and lands over the freeze if an attempt of it did land (its commit unconfirmed).
     */
    void giveBack() {
        givenBackTransferId = transferId;
        transferId = null;
        bgMatchId = null;
        departSinceNanos = 0;
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

    /** Item changes (LOOT and ITEMS records) pending. */
    public int changes() {
        return changeCount;
    }
}
