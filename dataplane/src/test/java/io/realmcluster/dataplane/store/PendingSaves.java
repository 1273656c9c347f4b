package io.realmcluster.dataplane.store;

import io.realmcluster.dataplane.pipeline.Saves;
import java.util.List;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Saves as the saver builds them from the save log, for tests of the store. */
public final class PendingSaves {
    private PendingSaves() {}

    /** A snapshot of {@code character} at level 2 a few yards off the start point. */
    public static PendingSave at(final long character, final long epoch, final long seq) {
        return of(character, epoch, seq, 0, false);
    }

    /** A snapshot (or a logout) with {@code money}. */
    public static PendingSave of(
            final long character, final long epoch, final long seq, final long money, final boolean logout) {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[Saves.LENGTH]);
        head(record, 0, character, epoch, seq, money);
        final PendingSave save = new PendingSave();
        save.apply(logout ? Saves.LOGOUT : Saves.SNAPSHOT, record, 0, "");
        return save;
    }

    /** {@code save} with a LOOT record: {@code copper} gained (money now {@code money}), {@code created} (or 0) looted. */
    public static PendingSave loot(
            final PendingSave save,
            final long epoch,
            final long seq,
            final long copper,
            final long money,
            final long created,
            final int slot,
            final List<ItemStack> items) {
        final UnsafeBuffer record =
                record(save.characterId, epoch, seq, money, Saves.ACTION_LOOT, created, 0, slot, -1);
        record.putLong(Saves.COPPER, copper);
        record.putLong(Saves.CORPSE, 900_000_000L + seq);
        items(record, 0, items);
        save.apply(Saves.LOOT, record, 0, "");
        return save;
    }

    /** {@code save} with an ITEMS record of {@code action}: the character holds {@code items} after it. */
    public static PendingSave items(
            final PendingSave save,
            final long epoch,
            final long seq,
            final int action,
            final long created,
            final long destroyed,
            final int slotA,
            final int slotB,
            final List<ItemStack> items) {
        final UnsafeBuffer record =
                record(save.characterId, epoch, seq, save.money, action, created, destroyed, slotA, slotB);
        items(record, 0, items);
        save.apply(Saves.ITEMS, record, 0, "");
        return save;
    }

    /** {@code save} with a TRADE half: {@code copper} gained (negative: given), the items given and received. */
    public static PendingSave trade(
            final PendingSave save,
            final long epoch,
            final long seq,
            final long tradeSeq,
            final long partner,
            final long copper,
            final long[] given,
            final long[] received,
            final List<ItemStack> items) {
        final UnsafeBuffer record =
                record(save.characterId, epoch, seq, save.money + copper, Saves.ACTION_TRADE, 0, 0, -1, -1);
        trade(record, 0, tradeSeq, partner, copper, given, received);
        items(record, 0, items);
        save.apply(Saves.TRADE, record, 0, "");
        return save;
    }

    /** A TRADE record's trade fields, after {@link Saves#change}. */
    public static void trade(
            final MutableDirectBuffer record,
            final int offset,
            final long tradeSeq,
            final long partner,
            final long copper,
            final long[] given,
            final long[] received) {
        record.putLong(offset + Saves.COPPER, copper);
        record.putLong(offset + Saves.TRADE_SEQ, tradeSeq);
        record.putLong(offset + Saves.PARTNER, partner);
        record.putInt(offset + Saves.GIVEN_COUNT, given.length);
        for (int i = 0; i < given.length; i++) {
            record.putLong(offset + Saves.GIVEN + i * Long.BYTES, given[i]);
        }
        record.putInt(offset + Saves.RECEIVED_COUNT, received.length);
        for (int i = 0; i < received.length; i++) {
            record.putLong(offset + Saves.RECEIVED + i * Long.BYTES, received[i]);
        }
    }

    /** An item record's items, and their count. */
    public static void items(final MutableDirectBuffer record, final int offset, final List<ItemStack> items) {
        for (int i = 0; i < items.size(); i++) {
            final ItemStack item = items.get(i);
            Saves.item(record, offset, i, item.itemId(), item.templateId(), item.slot(), item.count());
        }
        Saves.itemCount(record, offset, items.size());
    }

    private static UnsafeBuffer record(
            final long character,
            final long epoch,
            final long seq,
            final long money,
            final int action,
            final long created,
            final long destroyed,
            final int slotA,
            final int slotB) {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[Saves.ITEMS_LENGTH]);
        head(record, 0, character, epoch, seq, money);
        Saves.change(record, 0, action, created, destroyed, slotA, slotB);
        return record;
    }

    private static void head(
            final MutableDirectBuffer record,
            final int offset,
            final long character,
            final long epoch,
            final long seq,
            final long money) {
        record.putLong(offset + Saves.CHARACTER, character);
        record.putLong(offset + Saves.EPOCH, epoch);
        record.putLong(offset + Saves.SEQUENCE, seq);
        record.putInt(offset + Saves.LEVEL, 2);
        record.putLong(offset + Saves.MONEY, money);
        record.putFloat(offset + Saves.X, 10f);
    }
}
