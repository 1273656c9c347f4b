package io.realmcluster.tools.chaos;

import io.realmcluster.tools.bots.BotFleet;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chaos run's bots went through, as it happened: each break of a node connection (where the
 * bot stood), each return to the world (how long it took, where it stood), each unexpected disconnect,
 * and the money each character was told it looted durably. The run reads one fault's window at a time.
 * Written from the bots' event loops, read by the run's thread.
 */
final class ChaosEvents implements BotFleet.Events {
    /** A bot's connection to {@code node} broke (or it was disconnected unexpectedly, {@code reason}). */
    record Break(long atNanos, String character, InetSocketAddress node, int mapId, float x, float y, String reason) {}

    /** A bot back in the world {@code micros} after its break, at (x, y). */
    record Back(long atNanos, String character, long micros, int mapId, float x, float y) {}

    private final List<Break> breaks = new ArrayList<>();
    private final List<Back> backs = new ArrayList<>();
    private final Map<String, AtomicLong> looted = new ConcurrentHashMap<>();

    @Override
    public void broke(
            final String character, final InetSocketAddress node, final int mapId, final float x, final float y) {
        synchronized (this) {
            breaks.add(new Break(System.nanoTime(), character, node, mapId, x, y, "connection_lost"));
        }
    }

    @Override
    public void disconnected(final String character, final InetSocketAddress node, final String reason) {
        synchronized (this) {
            breaks.add(new Break(System.nanoTime(), character, node, -1, Float.NaN, Float.NaN, reason));
        }
    }

    @Override
    public void back(final String character, final long micros, final int mapId, final float x, final float y) {
        synchronized (this) {
            backs.add(new Back(System.nanoTime(), character, micros, mapId, x, y));
        }
    }

    @Override
    public void looted(final String character, final long copper) {
        looted.computeIfAbsent(character, c -> new AtomicLong()).addAndGet(copper);
    }

    /** The breaks since {@code sinceNanos}. */
    synchronized List<Break> breaksSince(final long sinceNanos) {
        return breaks.stream().filter(b -> b.atNanos() - sinceNanos >= 0).toList();
    }

    /** The returns since {@code sinceNanos}. */
    synchronized List<Back> backsSince(final long sinceNanos) {
        return backs.stream().filter(b -> b.atNanos() - sinceNanos >= 0).toList();
    }

    /** Copper each character was told it looted durably, so far. */
    Map<String, Long> looted() {
        final Map<String, Long> copy = new java.util.TreeMap<>();
        looted.forEach((character, copper) -> copy.put(character, copper.get()));
        return copy;
    }
}
