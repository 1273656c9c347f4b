package io.realmcluster.dataplane.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * How a session in the world ends after its last frame (a REDIRECT, a DISCONNECT): the node shuts its side
 * down (FIN, after everything written) and closes the socket once the client closed its own, or
 * after {@link #LINGER_MILLIS}. Closing at once would reset the connection whenever the client's
 * frames (its moves, one a tick) are still unread here, and a reset can destroy the last frame
 * before the client reads it: the client sees a broken connection instead of where to go.
 */
final class LastFrame {
    /** How long a client may take to close its side after the node's last frame. */
    static final long LINGER_MILLIS = 2_000;

    /** Listener for the write of the last frame. */
    static final ChannelFutureListener THEN_CLOSE = written -> {
        final Channel channel = written.channel();
        if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
            channel.close();
            return;
        }
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                channel.close();
                return;
            }
            final var linger =
                    channel.eventLoop().schedule((Runnable) channel::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> linger.cancel(false));
        });
    };

    private LastFrame() {}
}
