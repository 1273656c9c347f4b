package io.realmcluster.dataplane.world;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * What a cell's players do to the entities of a neighbouring cell, whose ghosts they see: an attack's blow is not
 * dealt to the ghost (it only mirrors) but sent to the cell that owns the entity and dealt there, and the ghost
 * shows its outcome with the next batch. The tick thread writes each action into its side's ring; the cell link's
 * thread takes them all, in order, and none is skipped (a full ring drops the action and counts it). On the
 * receiving cell they come back as a GHOST_ACTIONS input. What comes of them goes back the same way: the experience
 * of a kill to the killer's cell, and a loot aimed at the ghost of a corpse is asked of the corpse's cell, which gives
 * what the corpse held to the looter's cell in a grant (the looter's cell saves it; a grant lost on the way is lost,
 * never given twice: the corpse gave it up as it sent it). Records are {@link #RECORD_LENGTH} bytes: {@code u8 kind,
 * i64 actor, i64 target, i32 amount, i32 a, i32 b} (a blow: amount dealt, a the actor's level; a kill: amount the
 * experience; a grant: amount the copper, a the item template, b its count).
 */
public final class CellActions {
    public static final int RECORD_LENGTH = 32;
    static final byte BLOW = 1;
    /** The creature {@code target} died of {@code actor}'s blow: {@code amount} experience for the killer. */
    static final byte KILL = 2;
    /** {@code actor} loots the corpse {@code target}, whose ghost it saw lootable. */
    static final byte LOOT = 3;
    /** What the corpse {@code target} held for {@code actor}: copper, item template and count. */
    static final byte GRANT = 4;

    private static final ByteOrder ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;
    private static final int RING_BYTES = 64 << 10;

    private final OneToOneRingBuffer[] rings = new OneToOneRingBuffer[2];
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
    private final AtomicLong dropped = new AtomicLong();

    CellActions() {
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new OneToOneRingBuffer(
                    new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        }
    }

    /** Tick thread: {@code actor} (level {@code level}) deals {@code amount} to {@code target}, owned on {@code side}. */
    void blow(final int side, final long actor, final long target, final int amount, final int level) {
        write(side, BLOW, actor, target, amount, level, 0);
    }

    /** Tick thread: the creature {@code creature} died of {@code killer}'s blow, whose cell is on {@code side}. */
    void kill(final int side, final long killer, final long creature, final int experience) {
        write(side, KILL, killer, creature, experience, 0, 0);
    }

    /** Tick thread: {@code looter} loots the corpse {@code corpse}, owned on {@code side}. */
    void loot(final int side, final long looter, final long corpse) {
        write(side, LOOT, looter, corpse, 0, 0, 0);
    }

    /** Tick thread: the corpse {@code corpse} gives {@code looter}, whose cell is on {@code side}, what it held. */
    void grant(
            final int side,
            final long looter,
            final long corpse,
            final int copper,
            final int template,
            final int count) {
        write(side, GRANT, looter, corpse, copper, template, count);
    }

    private void write(
            final int side,
            final byte kind,
            final long actor,
            final long target,
            final int amount,
            final int a,
            final int b) {
        record.putByte(0, kind);
        record.putLong(4, actor, ORDER);
        record.putLong(12, target, ORDER);
        record.putInt(20, amount, ORDER);
        record.putInt(24, a, ORDER);
        record.putInt(28, b, ORDER);
        if (!rings[side - 1].write(1, record, 0, RECORD_LENGTH)) {
            dropped.incrementAndGet();
        }
    }

    /** The link's thread: every action waiting for the neighbour on {@code side}, in order. */
    public int drain(final int side, final MessageHandler handler) {
        return rings[side - 1].read(handler);
    }

    /** Actions dropped for a full ring. */
    public long dropped() {
        return dropped.get();
    }

    /** The kind of the record at {@code at}. */
    static byte kind(final DirectBuffer buffer, final int at) {
        return buffer.getByte(at);
    }

    static long actor(final DirectBuffer buffer, final int at) {
        return buffer.getLong(at + 4, ORDER);
    }

    static long target(final DirectBuffer buffer, final int at) {
        return buffer.getLong(at + 12, ORDER);
    }

    static int amount(final DirectBuffer buffer, final int at) {
        return buffer.getInt(at + 20, ORDER);
    }

    static int a(final DirectBuffer buffer, final int at) {
        return buffer.getInt(at + 24, ORDER);
    }

    static int b(final DirectBuffer buffer, final int at) {
        return buffer.getInt(at + 28, ORDER);
    }
}
