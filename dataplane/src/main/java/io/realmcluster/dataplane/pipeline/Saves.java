package io.realmcluster.dataplane.pipeline;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The records a {@link SaveLog} carries, one layout for all: the character's persistent state as
 * its map holds it, with the ownership epoch and the save sequence the save is fenced by, and for
 * a loot the money it created. Little-endian, fixed offsets, written in place.
 */
public final class Saves {
    /** The character's state changed (moved, gained experience): save it. */
    public static final int SNAPSHOT = 1;
    /** The character looted money: save it with a ledger entry, then confirm the loot to the player. */
    public static final int LOOT = 2;
    /** The character left the world (logout, disconnect, the map closed): save it and mark it OFFLINE. */
    public static final int LOGOUT = 3;
    /**
     * The character walked into a portal: save it and freeze it for a transfer (IN_TRANSFER), then
     * hand it to the transfer service. Carries where it goes: map, position, orientation.
     */
    public static final int DEPART = 4;
    /**
     * A DEPART's destination map when the character stays in its instance, which is moving to
     * another node: it goes to the instance's copy there, where it stands.
     */
    public static final int SAME_INSTANCE = -1;

    public static final int CHARACTER = 0;
    public static final int EPOCH = 8;
    public static final int SEQUENCE = 16;
    /** The map's handle on this node, to confirm to (an int, so a record carries no string). */
    public static final int MAP_HANDLE = 24;
    /** The client session the character had, so a confirmation never reaches a later session. */
    public static final int SESSION = 28;

    public static final int LEVEL = 32;
    public static final int MAP_ID = 36;
    public static final int EXPERIENCE = 40;
    public static final int MONEY = 48;
    public static final int X = 56;
    public static final int Y = 60;
    public static final int Z = 64;
    public static final int O = 68;
    public static final int CORPSE = 72;
    public static final int COPPER = 80;
    public static final int TO_MAP = 88;
    public static final int TO_X = 92;
    public static final int TO_Y = 96;
    public static final int TO_Z = 100;
    public static final int TO_O = 104;
    /** A DEPART's tick: when its map froze the character, on the node's monotonic clock ({@link System#nanoTime}). */
    public static final int FROZEN_AT_NANOS = 108;

    public static final int LENGTH = 116;

    private Saves() {}

    /**
     * Write a record at {@code offset}; the loot fields are zero unless {@code copper} is positive.
     * Maps write them; public for the saves benchmark, which writes snapshots as a map would.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static void encode(
            final MutableDirectBuffer buffer,
            final int offset,
            final long character,
            final long epoch,
            final long sequence,
            final int mapHandle,
            final int session,
            final int level,
            final int mapId,
            final long experience,
            final long money,
            final float x,
            final float y,
            final float z,
            final float o,
            final long corpse,
            final long copper) {
        buffer.putLong(offset + CHARACTER, character);
        buffer.putLong(offset + EPOCH, epoch);
        buffer.putLong(offset + SEQUENCE, sequence);
        buffer.putInt(offset + MAP_HANDLE, mapHandle);
        buffer.putInt(offset + SESSION, session);
        buffer.putInt(offset + LEVEL, level);
        buffer.putInt(offset + MAP_ID, mapId);
        buffer.putLong(offset + EXPERIENCE, experience);
        buffer.putLong(offset + MONEY, money);
        buffer.putFloat(offset + X, x);
        buffer.putFloat(offset + Y, y);
        buffer.putFloat(offset + Z, z);
        buffer.putFloat(offset + O, o);
        buffer.putLong(offset + CORPSE, corpse);
        buffer.putLong(offset + COPPER, copper);
    }

    /** Complete a DEPART record written by {@link #encode} with where the character goes, frozen at {@code tickNanos}. */
    public static void destination(
            final MutableDirectBuffer buffer,
            final int offset,
            final int toMap,
            final float x,
            final float y,
            final float z,
            final float o,
            final long tickNanos) {
        buffer.putLong(offset + FROZEN_AT_NANOS, tickNanos);
        buffer.putInt(offset + TO_MAP, toMap);
        buffer.putFloat(offset + TO_X, x);
        buffer.putFloat(offset + TO_Y, y);
        buffer.putFloat(offset + TO_Z, z);
        buffer.putFloat(offset + TO_O, o);
    }

    /** Whether a record of {@code type} and {@code length} bytes is one of these. */
    public static boolean wellFormed(final int type, final int length) {
        return type >= SNAPSHOT && type <= DEPART && length == LENGTH;
    }

    public static long character(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + CHARACTER);
    }
}
