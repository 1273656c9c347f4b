package io.realmcluster.tools.bots;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.realmcluster.proto.client.ClientProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots of one Netty event loop and what they share: one 20 Hz task that ticks them all, the
 * loop's latency histogram, its encode scratch buffer and random numbers. Everything here is used
 * on the loop's thread only, and read by the fleet after the loop has stopped.
 */
final class BotLoop {
    static final long TICK_MILLIS = 50;
    /** Ticks closer together than this are the fixed-rate schedule catching up after a stall: skipped. */
    private static final long SHORTEST_TICK_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS / 2);

    private static final Logger LOG = LoggerFactory.getLogger(BotLoop.class);

    final EventLoop eventLoop;
    final Bootstrap bootstrap;
    /** For the UDP sockets of bots that send their moves as datagrams. */
    final Bootstrap datagrams;
    /** TLS to nodes, verifying their certificates; null: plaintext. */
    final SslContext tls;

    final List<Bot> bots = new ArrayList<>();
    /** Input-to-state latency in microseconds. */
    final Histogram latency = new Histogram(3);
    /** Per login, microseconds from the Login call to WORLD_ENTERED: what a player waits after choosing a character. */
    final Histogram loginToWorld = new Histogram(3);
    /** Per return after a crash, microseconds from the break of the connection to WORLD_ENTERED again. */
    final Histogram breakToWorld = new Histogram(3);
    /** The same returns step by step (see {@link BotResumeSteps}). */
    final BotResumeSteps.Histograms resumeSteps = new BotResumeSteps.Histograms();
    /** Per redirect, microseconds from the last SELF_STATE on the old node to the first on the new one. */
    final Histogram redirectGaps = new Histogram(3);
    /** The same, of redirects between two cells of a split continent (a boundary crossed). */
    final Histogram crossingGaps = new Histogram(3);
    /** Per entry into a battleground, microseconds from the bot's INVITE_ACCEPT to its WORLD_ENTERED there. */
    final Histogram acceptToBattleground = new Histogram(3);
    /** The same entries step by step (see {@link BotEntryPhases}). */
    final BotEntryPhases.Histograms entryPhases = new BotEntryPhases.Histograms();
    /** Players any bot of this loop saw, its own bots included. */
    final LongHashSet playersSeen = new LongHashSet();
    /** Frames are encoded here (body at offset 2) before they are copied into a Netty buffer. */
    final UnsafeBuffer out = new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY]);
    /** A frame that is neither in native memory nor in an array is copied here to be decoded. */
    final byte[] in = new byte[ClientProtocol.MAX_BODY];

    final SplittableRandom random;
    private ScheduledFuture<?> ticker;
    private boolean tickFailureLogged;
    private long lastTickNanos;

    BotLoop(
            final EventLoop eventLoop,
            final Bootstrap bootstrap,
            final Bootstrap datagrams,
            final SslContext tls,
            final long seed) {
        this.eventLoop = eventLoop;
        this.bootstrap = bootstrap;
        this.datagrams = datagrams;
        this.tls = tls;
        this.random = new SplittableRandom(seed);
    }

    /** Start ticking; the bots must all have been added. */
    void start() {
        eventLoop.execute(() ->
                ticker = eventLoop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** Every bot in the world sends LOGOUT; the others close. On the loop's thread. */
    void logoutAll() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (int i = 0; i < bots.size(); i++) {
            bots.get(i).logout();
        }
    }

    /** Close what is still open after the wait for the node's answers to LOGOUT. On the loop's thread. */
    void closeAll() {
        for (int i = 0; i < bots.size(); i++) {
            bots.get(i).forceClose();
        }
    }

    private void tick() {
        final long now = System.nanoTime();
        // A client whose machine stalled does not send the moves it missed in a burst afterwards, and
        // neither do the bots: on a saturated machine the bursts made the load they were stalled by.
        if (lastTickNanos != 0 && now - lastTickNanos < SHORTEST_TICK_GAP_NANOS) {
            return;
        }
        lastTickNanos = now;
        for (int i = 0; i < bots.size(); i++) {
            final Bot bot = bots.get(i);
            try {
                bot.tick(now);
            } catch (final RuntimeException e) {
                if (!tickFailureLogged) {
                    tickFailureLogged = true;
                    LOG.warn("bot {} failed in its tick", bot.character, e);
                }
                bot.internalError(e);
            }
        }
    }
}
