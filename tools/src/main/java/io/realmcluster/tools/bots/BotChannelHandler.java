package io.realmcluster.tools.bots;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler of a bot's connection: passes whole frames (prefix removed) and connection events to its bot. */
final class BotChannelHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(BotChannelHandler.class);

    private final Bot bot;

    BotChannelHandler(final Bot bot) {
        this.bot = bot;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        bot.onActive(ctx.channel());
        ctx.fireChannelActive();
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
        if (cause instanceof DecoderException) {
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
