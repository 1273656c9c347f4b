package io.realmcluster.dataplane.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * The client port's door, in the listening socket's pipeline on the accepting thread: each accepted
 * connection takes a token of the accept rate and a place among the connections that have not said HELLO
 * (per address and in all), which it gives back at its HELLO or when it closes. A connection past a limit
 * is closed before it is registered anywhere, and counted; past the rate the port also stops accepting
 * until a token is there, so a flood waits in the kernel's backlog instead of on the accepting thread
 * (which also reads every datagram). The accepting thread alone writes the counts: plain fields.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    static final String ACCEPT_RATE = "accept_rate";
    static final String PENDING_PER_ADDRESS = "pending_per_address";
    static final String PENDING_TOTAL = "pending_total";
    private static final AttributeKey<Place> PLACE = AttributeKey.valueOf("realm.pending-hello");

    private final ClientLimits limits;
    private final ClientMetrics metrics;
    private final RateLimiter accepts;
    /** Connections without HELLO by address; at most {@code pendingTotal} entries, removed at zero. */
    private final Map<InetAddress, Integer> pendingByAddress = new HashMap<>();

    private int pending;
    private boolean paused;

    ConnectionGate(final ClientLimits limits, final ClientMetrics metrics, final NanoClock clock) {
        this.limits = limits;
        this.metrics = metrics;
        this.accepts = new RateLimiter(limits.acceptsPerSecond(), limits.acceptsPerSecond(), clock);
    }

    /** The connection said HELLO (or STANDBY_HELLO): it no longer counts as waiting. Its event loop. */
    static void helloed(final Channel child) {
        final Place place = child.attr(PLACE).getAndSet(null);
        if (place != null) {
            place.giveBack();
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof Channel child)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!accepts.tryAcquire()) {
            refuse(child, ACCEPT_RATE);
            pauseAccepting(ctx);
            return;
        }
        final InetAddress address = child.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (pending >= limits.pendingTotal()) {
            refuse(child, PENDING_TOTAL);
            return;
        }
        final int fromAddress = pendingByAddress.getOrDefault(address, 0);
        if (fromAddress >= limits.pendingPerAddress()) {
            refuse(child, PENDING_PER_ADDRESS);
            return;
        }
        pending++;
        pendingByAddress.put(address, fromAddress + 1);
        final Place place = new Place(ctx.channel().eventLoop(), address);
        child.attr(PLACE).set(place);
        child.closeFuture().addListener(closed -> helloed(child));
        ctx.fireChannelRead(child);
    }

    /** Connections that have not said HELLO (tests). The accepting thread. */
    int pending() {
        return pending;
    }

    private void refuse(final Channel child, final String reason) {
        metrics.connectionRefused(reason);
        child.unsafe().closeForcibly();
    }

    private void pauseAccepting(final ChannelHandlerContext ctx) {
        if (paused) {
            return;
        }
        paused = true;
        ctx.channel().config().setAutoRead(false);
        final long waitMicros = Math.max(1, 1_000_000L / limits.acceptsPerSecond());
        ctx.executor()
                .schedule(
                        () -> {
                            paused = false;
                            ctx.channel().config().setAutoRead(true);
                            ctx.channel().read();
                        },
                        waitMicros,
                        TimeUnit.MICROSECONDS);
    }

    private void release(final InetAddress address) {
        pending--;
        final int left = pendingByAddress.getOrDefault(address, 1) - 1;
        if (left <= 0) {
            pendingByAddress.remove(address);
        } else {
            pendingByAddress.put(address, left);
        }
    }

    /** One connection's place among those without HELLO, given back once. */
    private final class Place {
        private final EventLoop acceptLoop;
        private final InetAddress address;

        Place(final EventLoop acceptLoop, final InetAddress address) {
            this.acceptLoop = acceptLoop;
            this.address = address;
        }

        void giveBack() {
            if (acceptLoop.inEventLoop()) {
                release(address);
                return;
            }
            try {
                acceptLoop.execute(() -> release(address));
            } catch (final RejectedExecutionException closing) {
                // The listener is closing: nothing is counted any more.
            }
        }
    }
}
