package io.realmcluster.common.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one gRPC listener: a fixed number of threads and a bounded number of calls
 * waiting for them. A call that arrives when {@code queue} calls already wait is answered
 * RESOURCE_EXHAUSTED at once, on the transport's thread, without taking a thread or a place in
 * the queue; so a flood on one listener neither grows threads nor starves another listener.
 * Each admitted call runs its handler and callbacks in order on the pool (one at a time per call).
 *
 * <p>A service, or one method of a service, may have a lane of its own ({@link #lane}): its calls run
 * on threads no other call waits for, so a node's heartbeats are not queued behind queue joins
 * blocked on etcd, nor a player's entry into a battleground behind them.
 *
 * <p>The listener's sockets (accepting, TLS, framing) have their own transport thread too, not gRPC's
 * shared ones: a flood of TLS records on a public port queues on its own thread, never ahead of a
 * node's heartbeat on the internal port.
 */
public final class CallPool implements ServerInterceptor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallPool.class);

    private final String name;
    private final int queue;
    private final ThreadPoolExecutor threads;
    /** Services and methods with threads of their own, by full service or method name. */
    private final Map<String, ThreadPoolExecutor> lanes = new ConcurrentHashMap<>();

    private final EventLoopGroup transport;
    private final LongAdder refused = new LongAdder();

    /**
     * {@code threads} threads named {@code name-N}, at most {@code queue} calls waiting, and one
     * transport thread named {@code name-io-N}.
     */
    public CallPool(final String name, final int threads, final int queue) {
        this.name = name;
        this.queue = queue;
        this.transport = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory(name + "-io", true), NioIoHandler.newFactory());
        // Admission bounds what waits: a call admitted has at most one callback queued at a time.
        this.threads = pool(name, threads);
    }

    /**
     * Calls of {@code service} (its full name, e.g. {@code NodeLinkGrpc.SERVICE_NAME}) run on {@code
     * threads} threads of their own, named {@code name-LANE-N}, admitted by the same bound; returns
     * this pool. Before the server starts.
     */
    public CallPool lane(final String service, final String laneName, final int threads) {
        lanes.put(service, pool(name + "-" + laneName, threads));
        return this;
    }

    /**
     * Calls of these {@code methods} (full names, e.g. {@code BattlegroundsGrpc.getAdmitEntryMethod()
     * .getFullMethodName()}) run on {@code threads} threads they share with no other call, named {@code
     * name-LANE-N}, admitted by the same bound; a method's lane comes before its service's. Returns this
     * pool. Before the server starts.
     */
    public CallPool methodLane(final List<String> methods, final String laneName, final int threads) {
        final ThreadPoolExecutor lane = pool(name + "-" + laneName, threads);
        for (final String method : methods) {
            lanes.put(method, lane);
        }
        return this;
    }

    private static ThreadPoolExecutor pool(final String name, final int threads) {
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(name, true));
    }

    /** The thread that accepts, decrypts and frames this listener's connections. */
    EventLoopGroup transport() {
        return transport;
    }

    /** Calls answered RESOURCE_EXHAUSTED so far, the pool being full. */
    public long refused() {
        return refused.sum();
    }

    /** Calls waiting for a thread now. */
    public int waiting() {
        return threads.getQueue().size();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next) {
        final ThreadPoolExecutor method = lanes.get(call.getMethodDescriptor().getFullMethodName());
        final ThreadPoolExecutor pool = method != null
                ? method
                : lanes.getOrDefault(call.getMethodDescriptor().getServiceName(), threads);
        if (pool.getQueue().size() >= queue || pool.isShutdown()) {
            refused.increment();
            call.close(
                    Status.RESOURCE_EXHAUSTED.withDescription(
                            "this server is busy (" + name + ": " + queue + " calls waiting); retry with backoff"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        final Offloaded<Q> listener =
                new Offloaded<>(MoreExecutors.newSequentialExecutor(pool), Context.current(), call);
        listener.run(() -> listener.delegate = next.startCall(call, headers));
        return listener;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        lanes.values().stream().distinct().forEach(ThreadPoolExecutor::shutdownNow);
        transport.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /**
     * Forwards every callback, in order, to the service's listener on the pool, in the call's context.
     * A callback that throws closes the call UNKNOWN, as gRPC's own executor does, rather than leave
     * the caller waiting for its deadline.
     */
    private static final class Offloaded<Q> extends ServerCall.Listener<Q> {
        private final Executor serial;
        private final Context context;
        private final ServerCall<Q, ?> call;
        /** Written by the first task of {@link #serial}, read by the later ones: ordered by it. */
        private ServerCall.Listener<Q> delegate;

        Offloaded(final Executor serial, final Context context, final ServerCall<Q, ?> call) {
            this.serial = serial;
            this.context = context;
            this.call = call;
        }

        void run(final Runnable task) {
            serial.execute(context.wrap(() -> {
                try {
                    task.run();
                } catch (final RuntimeException | Error e) {
                    LOG.warn("call {} failed", call.getMethodDescriptor().getFullMethodName(), e);
                    try {
                        // Nothing of the failure's own words to the caller: they may name hosts or drivers.
                        call.close(Status.UNKNOWN.withDescription("the server failed this call"), new Metadata());
                    } catch (final IllegalStateException closed) {
                        // The call had been closed already.
                    }
                }
            }));
        }

        @Override
        public void onMessage(final Q message) {
            run(() -> delegate.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            run(() -> delegate.onHalfClose());
        }

        @Override
        public void onCancel() {
            run(() -> delegate.onCancel());
        }

        @Override
        public void onComplete() {
            run(() -> delegate.onComplete());
        }

        @Override
        public void onReady() {
            run(() -> delegate.onReady());
        }
    }
}
