package io.realmcluster.dataplane.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right behind a client connection's {@code SslHandler} until its handshake ends: counts how it
 * ended, closes the connection when it failed, and says so in the log at most once every {@link
 * #LOG_EVERY_NANOS} (a crowd of bad clients writes one line, no stack traces). Any event loop.
 */
@ChannelHandler.Sharable
final class TlsHandshakes extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakes.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** How a handshake ended: the label of its count. */
    static final String OK = "ok";
    /** The client spoke without TLS. */
    static final String NOT_TLS = "not_tls";
    /** Not finished within the deadline. */
    static final String TIMEOUT = "timeout";
    /** The client left during the handshake (one that does not trust the certificate, often). */
    static final String CLOSED = "closed";
    /** TLS refused: the client's alert (an unknown CA, a wrong name), no protocol or cipher in common. */
    static final String REFUSED = "refused";

    private static final String OTHER = "other";

    private final Counter handshakes;
    private final Counter reloads;
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    TlsHandshakes(final PrometheusRegistry registry) {
        handshakes = Counter.builder()
                .name("realm_node_client_tls_handshakes")
                .help("TLS handshakes of game clients by how they ended: ok, not_tls (plaintext to the TLS port), "
                        + "timeout, closed (the client left), refused (an alert, e.g. a client that does not trust the "
                        + "certificate), other")
                .labelNames("result")
                .register(registry);
        for (final String result : new String[] {OK, NOT_TLS, TIMEOUT, CLOSED, REFUSED, OTHER}) {
            handshakes.labelValues(result);
        }
        reloads = Counter.builder()
                .name("realm_node_client_tls_certificate_loads")
                .help("Times the game-client TLS certificate was loaded from its files (at start and on every change)")
                .register(registry);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                handshakes.labelValues(OK).inc();
                ctx.pipeline().remove(this);
            } else {
                failed(ctx, done.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        // Before the handshake ended (this handler leaves once it succeeds): the completion event counts it.
        ctx.close();
    }

    private void failed(final ChannelHandlerContext ctx, final Throwable cause) {
        final String result = result(cause);
        handshakes.labelValues(result).inc();
        ctx.close();
        final long now = System.nanoTime();
        final long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_EVERY_NANOS)) {
            final long others = unlogged.getAndSet(0);
            LOG.warn(
                    "TLS handshake with the game client at {} failed ({}: {}){}",
                    ctx.channel().remoteAddress(),
                    result,
                    describe(result, cause),
                    others == 0 ? "" : "; " + others + " more failed since the last such line");
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** Never the bytes a plaintext client sent (Netty's message dumps them): its token would be in the log. */
    private static String describe(final String result, final Throwable cause) {
        if (NOT_TLS.equals(result)) {
            return "it spoke without TLS";
        }
        final String message = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        return message.length() <= 200 ? message : message.substring(0, 200) + "...";
    }

    private static String result(final Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && !(root instanceof NotSslRecordException)) {
            root = root.getCause();
        }
        if (cause instanceof NotSslRecordException || root instanceof NotSslRecordException) {
            return NOT_TLS;
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return TIMEOUT;
        }
        if (cause instanceof ClosedChannelException) {
            return CLOSED;
        }
        if (cause instanceof SSLException || root instanceof SSLException) {
            return REFUSED;
        }
        return OTHER;
    }

    void reloaded() {
        reloads.inc();
    }

    /** Handshakes that ended with {@code result} so far (tests). */
    double count(final String result) {
        return handshakes.labelValues(result).get();
    }

    /** Times the certificate was loaded (tests). */
    double loads() {
        return reloads.get();
    }
}
