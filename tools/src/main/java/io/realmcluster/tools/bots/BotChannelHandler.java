package io.realmcluster.tools.bots;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler of a bot's connection: passes whole frames (prefix removed) and connection events to its bot. */
final class BotChannelHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(BotChannelHandler.class);

    private final Bot bot;

    BotChannelHandler(final Bot bot) {
        this.bot = bot;
    }

    /** Connected; over TLS, the bot hears of it once the handshake is done. */
    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            bot.onActive(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                bot.onActive(ctx.channel());
            } else {
                bot.tlsFailed(ctx.channel(), done.cause());
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
        bot.onFrame(ctx.channel(), frame);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        bot.onClosed(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // TLS failed: its handshake's end (above) or the close that follows says so.
            LOG.debug("bot {}: {}", bot.character, cause.getCause().toString());
            ctx.close();
        } else if (cause instanceof DecoderException) {
            bot.framingError(ctx.channel(), cause);
        } else if (cause instanceof IOException) {
            LOG.debug("bot {}: {}", bot.character, cause.toString());
            ctx.close();
        } else {
            bot.internalError(cause);
            ctx.close();
        }
    }
}
