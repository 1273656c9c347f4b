package io.realmcluster.tools.bots;

import io.grpc.ManagedChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of headless game clients in one process: registers an account and a character per
 * bot, logs them in through the control plane with bounded concurrency, drives them on a few
 * Netty event loops for the configured duration, logs them out and reports what they saw.
 */
public final class BotFleet {
    private static final Logger LOG = LoggerFactory.getLogger(BotFleet.class);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long LOGOUT_WAIT_SECONDS = 5;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_LOGGED_PROBLEMS = 20;

    private final BotConfig config;
    private final Path loginCa;
    private final BotLogins logins;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private final CountDownLatch settled;
    private final CountDownLatch finished;
    private final AtomicInteger inWorld = new AtomicInteger();
    /** Bots on their way back after their node connection broke (out of the world, not out of the run). */
    private final AtomicInteger resuming = new AtomicInteger();

    private final AtomicInteger failedBots = new AtomicInteger();
    private final LongAdder movesSent = new LongAdder();
    private final LongAdder kills = new LongAdder();
    private final Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> unexpectedDisconnects = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> protocolErrors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, String> failureExamples = new ConcurrentHashMap<>();
    private final AtomicInteger loggedProblems = new AtomicInteger();
    private long nextProgressNanos;
    private volatile List<BotLoop> running = List.of();
    /** The control planes' Login service, while the run lasts (Resume calls come from the loops). */
    private volatile ManagedChannel loginChannel;

    /** The share of matches a battleground bot leaves early. */
    double battlegroundLeaveShare() {
        return config.battlegroundLeaveShare();
    }

    /** Whether bots in the world send their moves as UDP datagrams. */
    boolean movesOverUdp() {
        return config.movesOverUdp();
    }

    /** Bots that log in without TLS ({@code --insecure-plaintext}). */
    public BotFleet(final BotConfig config) {
        this(config, null);
    }

    /**
     * Bots that log in over TLS, verifying the control plane's certificate against the realm's CA
     * {@code loginCa} (null: without TLS); like players, they hold no certificate of their own.
     */
    public BotFleet(final BotConfig config, final Path loginCa) {
        this.loginCa = loginCa;
        this.config = config;
        this.logins = new BotLogins(config, this);
        this.settled = new CountDownLatch(config.count());
        this.finished = new CountDownLatch(config.count());
    }

    /** End the run early (Ctrl-C): the bots log out as they would at the end of the duration. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Moves the bots sent so far, over TCP or UDP; any thread. */
    public long movesSent() {
        return movesSent.sum();
    }

    /** Bots in the world now; any thread. */
    public int inWorld() {
        return inWorld.get();
    }

    /** Bots that gave up (could not log in or enter the world); any thread. */
    public int failed() {
        return failedBots.get();
    }

    /**
     * Forget the latencies and redirect gaps seen so far, so that the report covers only what follows
     * (a benchmark's measured window after the logins). Any thread; each event loop clears its own histograms.
     */
    public void resetLatency() {
        for (final BotLoop loop : running) {
            execute(loop, () -> {
                loop.latency.reset();
                loop.redirectGaps.reset();
                loop.crossingGaps.reset();
                loop.bots.forEach(bot -> bot.seamlessCrossings = 0);
            });
        }
    }

    /**
     * Crossers (see {@link BotConfig#withCrossers}) walk across the middle of their continent ({@code across}), or to
     * and fro along it where they stand, as many steps and moves, crossing nothing. Any thread.
     */
    public void crossersAcross(final boolean across) {
        for (final BotLoop loop : running) {
            execute(loop, () -> loop.bots.forEach(bot -> bot.play.patrol.across(across)));
        }
    }

    /**
     * Whether bots stand by where a STANDBY tells them to ({@code true}, as a client does), or ignore it and follow
     * each REDIRECT with a new connection, as after a portal (their open standby connections close). Any thread.
     */
    public void standBy(final boolean standBy) {
        for (final BotLoop loop : running) {
            execute(loop, () -> loop.bots.forEach(bot -> bot.standBys(standBy)));
        }
    }

    /** The crossings between cells so far (since the last {@link #resetLatency}), gathered on each bot loop. */
    public BotReport.Crossings crossingsSoFar() throws InterruptedException {
        final Histogram gaps = new Histogram(3);
        long seamless = 0;
        for (final BotLoop loop : running) {
            final CompletableFuture<LoopCrossings> copy = new CompletableFuture<>();
            execute(
                    loop,
                    () -> copy.complete(new LoopCrossings(
                            loop.crossingGaps.copy(),
                            loop.bots.stream()
                                    .mapToLong(bot -> bot.seamlessCrossings)
                                    .sum())));
            try {
                final LoopCrossings got = copy.get(10, TimeUnit.SECONDS);
                gaps.add(got.gaps());
                seamless += got.seamless();
            } catch (final ExecutionException | TimeoutException e) {
                throw new IllegalStateException("a bot loop did not answer", e);
            }
        }
        return BotReport.Crossings.of(gaps, seamless);
    }

    /** One bot loop's crossings, copied on its thread. */
    private record LoopCrossings(Histogram gaps, long seamless) {}

    /** Run the bots for the configured duration and report; once per fleet. */
    public BotReport run() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a fleet runs once");
        }
        final long runStarted = System.nanoTime();
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                config.ioThreads(), new DefaultThreadFactory("bots-io", true), NioIoHandler.newFactory());
        final GrpcTls loginTls = loginCa == null ? null : GrpcTls.trusting(loginCa);
        final ManagedChannel grpc = Channels.forTargets(config.controlPlanes(), 30, GrpcTls.channel(loginTls));
        loginChannel = grpc;
        final List<BotLoop> loops = new ArrayList<>();
        final List<Bot> bots = new ArrayList<>(config.count());
        final SecureRandom random = new SecureRandom();
        try {
            final SslContext tls = nodeTls(config.nodeTlsCa());
            for (final EventExecutor executor : group) {
                final EventLoop eventLoop = (EventLoop) executor;
                final Bootstrap bootstrap = new Bootstrap()
                        .group(eventLoop)
                        .channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
                final Bootstrap datagrams = new Bootstrap()
                        .group(eventLoop)
                        .channel(NioDatagramChannel.class)
                        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                        .handler(DropDatagrams.INSTANCE);
                loops.add(new BotLoop(eventLoop, bootstrap, datagrams, tls, random.nextLong()));
            }
            final long chatEveryNanos = config.chatEvery().toNanos();
            for (int i = 0; i < config.count(); i++) {
                final BotLoop loop = loops.get(i % loops.size());
                final Bot bot = new Bot(
                        i,
                        BotNames.account(config.namePrefix(), i),
                        config.accountsPassword() != null ? config.accountsPassword() : password(random),
                        BotNames.character(config.namePrefix(), i),
                        loop,
                        this,
                        chatEveryNanos,
                        config.spreadYards(),
                        goesThroughPortals(i, config.dungeonShare()),
                        config.dungeonStay().toNanos(),
                        goesThroughPortals(i, config.battlegroundShare()));
                bot.play.crosser(goesThroughPortals(i, config.crossShare()));
                loop.bots.add(bot);
                bots.add(bot);
            }
            running = List.copyOf(loops);
            loops.forEach(BotLoop::start);
            LOG.info(
                    "bots: logging in {} bots as {}bot0..{} through {} ({} at a time)",
                    config.count(),
                    config.namePrefix(),
                    config.count() - 1,
                    HostPort.join(config.controlPlanes()),
                    config.loginConcurrency());

            nextProgressNanos = System.nanoTime() + PROGRESS_NANOS;
            logins.dispatch(grpc, bots);
            while (!settled.await(1, TimeUnit.SECONDS) && !stopRequested()) {
                progressIfDue();
            }
            final long worldStarted = System.nanoTime();
            if (inWorld.get() > 0) {
                LOG.info(
                        "bots: {} of {} in the world after {} s; running {}",
                        inWorld.get(),
                        config.count(),
                        String.format(Locale.ROOT, "%.1f", (worldStarted - runStarted) / 1e9),
                        config.duration().isZero()
                                ? "until stopped"
                                : "for " + config.duration().toSeconds() + " s");
            } else {
                LOG.warn("bots: no bot entered the world; stopping");
            }
            final long deadline = worldStarted + config.duration().toNanos();
            final boolean untilStopped = config.duration().isZero();
            while (!stopRequested() && (inWorld.get() > 0 || resuming.get() > 0)) {
                final long remaining = untilStopped ? TimeUnit.SECONDS.toNanos(1) : deadline - System.nanoTime();
                if (remaining <= 0
                        || stopRequested.await(
                                Math.min(remaining, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
                    break;
                }
                progressIfDue();
            }
            final long worldEnded = System.nanoTime();

            stopping = true;
            LOG.info("bots: logging out");
            for (final BotLoop loop : loops) {
                execute(loop, loop::logoutAll);
            }
            if (!finished.await(LOGOUT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.info(
                        "bots: {} bots still connected {} s after LOGOUT; closing them",
                        finished.getCount(),
                        LOGOUT_WAIT_SECONDS);
                for (final BotLoop loop : loops) {
                    execute(loop, loop::closeAll);
                }
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            if (!group.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("bots: the event loops did not stop within 10 s; the report may miss some counts");
            }
            return report(bots, loops, (worldStarted - runStarted) / 1e9, (worldEnded - worldStarted) / 1e9);
        } finally {
            stopping = true;
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            Channels.close(grpc);
            if (loginTls != null) {
                loginTls.close();
            }
        }
    }

    /**
     * TLS to nodes that trusts only the realm's CA in {@code ca} and checks that a node's
     * certificate names the address dialed (as a game client does); null for null (plaintext).
     */
    static SslContext nodeTls(final Path ca) {
        if (ca == null) {
            return null;
        }
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .trustManager(ca.toFile())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (final SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot trust the realm's CA certificate in " + ca + ": " + e.getMessage(), e);
        }
    }

    /** The realm the bots play in. */
    String realm() {
        return config.realm();
    }

    /** The Login service's channel; null before and after the run. */
    ManagedChannel loginChannel() {
        return stopping ? null : loginChannel;
    }

    boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Run {@code task} on {@code loop}; dropped once the loop has stopped. Any thread. */
    void execute(final BotLoop loop, final Runnable task) {
        try {
            loop.eventLoop.execute(task);
        } catch (final RejectedExecutionException e) {
            LOG.debug("bots: event loop already stopped; dropped a task");
        }
    }

    private static String password(final SecureRandom random) {
        final String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        final char[] chars = new char[20];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }

    /** Bots that will not start: the run stopped before their logins. */
    void neverStarted(final int bots) {
        for (int i = 0; i < bots; i++) {
            settled.countDown();
            finished.countDown();
        }
    }

    // ---- called by the bots, from their loops ----

    boolean stopping() {
        return stopping;
    }

    void settled(final boolean enteredWorld) {
        settled.countDown();
    }

    void finished() {
        finished.countDown();
    }

    void enteredWorld() {
        inWorld.incrementAndGet();
    }

    void leftWorld() {
        inWorld.decrementAndGet();
    }

    /** {@code delta} more bots on their way back after a break (negative: fewer). */
    void resuming(final int delta) {
        resuming.addAndGet(delta);
    }

    /** Bots on their way back after their node connection broke; any thread. */
    public int resuming() {
        return resuming.get();
    }

    void moveSent() {
        movesSent.increment();
    }

    void kill() {
        kills.increment();
    }

    void failure(final Bot bot, final String step, final String detail) {
        failedBots.incrementAndGet();
        failures.computeIfAbsent(step, k -> new LongAdder()).increment();
        failureExamples.putIfAbsent(step, detail);
        problem("bot {} ({}): {}: {}", bot.character, bot.account, step, detail);
    }

    void protocolError(final Bot bot, final String kind, final String detail) {
        protocolErrors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        problem("bot {}: protocol error {}: {}", bot.character, kind, detail);
    }

    /**
     * What a chaos run (or a test) hears of each bot as it happens, beside the report at the end. Called on the
     * bots' event loops: quick, thread-safe, never blocking.
     */
    public interface Events {
        /** The bot's connection to {@code node} broke without DISCONNECT while it stood at (x, y) of map {@code mapId}. */
        default void broke(
                final String character, final InetSocketAddress node, final int mapId, final float x, final float y) {}

        /** The bot was disconnected from {@code node} unexpectedly ({@code reason}, as the report counts it). */
        default void disconnected(final String character, final InetSocketAddress node, final String reason) {}

        /** Back in the world after a break, {@code micros} after it, at (x, y) of map {@code mapId}. */
        default void back(final String character, final long micros, final int mapId, final float x, final float y) {}

        /** The node told the bot a loot of {@code copper} was durable (LOOTED). */
        default void looted(final String character, final long copper) {}
    }

    /** How fast the bots run, in yards a second: what a lost second of movement is. */
    public static final float SPEED = BotPlay.SPEED;

    private volatile Events events = new Events() {};

    /** Where the bots' events go from now on (see {@link Events}). */
    public BotFleet events(final Events listener) {
        this.events = listener;
        return this;
    }

    Events events() {
        return events;
    }

    void disconnected(final Bot bot, final String reason, final boolean unexpected, final String text) {
        disconnects.computeIfAbsent(reason, k -> new LongAdder()).increment();
        if (unexpected) {
            events.disconnected(bot.character, bot.nodeAddress(), reason);
            unexpectedDisconnects.computeIfAbsent(reason, k -> new LongAdder()).increment();
            problem("bot {}: disconnected: {} {}", bot.character, reason, text);
        }
    }

    private void problem(final String format, final Object... args) {
        final int n = loggedProblems.incrementAndGet();
        if (n <= MAX_LOGGED_PROBLEMS) {
            LOG.warn(format, args);
        } else if (n == MAX_LOGGED_PROBLEMS + 1) {
            LOG.warn("bots: more problems; not logging them one by one (the summary counts them)");
        }
    }

    void progressIfDue() {
        final long now = System.nanoTime();
        if (now - nextProgressNanos < 0) {
            return;
        }
        nextProgressNanos = now + PROGRESS_NANOS;
        LOG.info(
                "bots: {} logged in, {} of {} in the world, {} failed; {} moves sent, {} kills",
                logins.loggedIn(),
                inWorld.get(),
                config.count(),
                failedBots.get(),
                String.format(Locale.ROOT, "%,d", movesSent.sum()),
                kills.sum());
    }

    // ---- the report, once the loops have stopped ----

    private BotReport report(
            final List<Bot> bots, final List<BotLoop> loops, final double loginSeconds, final double worldSeconds) {
        final Histogram latency = new Histogram(3);
        final Histogram gaps = new Histogram(3);
        final Histogram toWorld = new Histogram(3);
        final Histogram toBattleground = new Histogram(3);
        final Histogram breakToWorld = new Histogram(3);
        final Histogram crossingGaps = new Histogram(3);
        final BotEntryPhases.Histograms entrySteps = new BotEntryPhases.Histograms();
        final BotResumeSteps.Histograms resumeSteps = new BotResumeSteps.Histograms();
        final LongHashSet players = new LongHashSet();
        for (final BotLoop loop : loops) {
            latency.add(loop.latency);
            gaps.add(loop.redirectGaps);
            crossingGaps.add(loop.crossingGaps);
            toWorld.add(loop.loginToWorld);
            toBattleground.add(loop.acceptToBattleground);
            breakToWorld.add(loop.breakToWorld);
            resumeSteps.add(loop.resumeSteps);
            entrySteps.add(loop.entryPhases);
            players.addAll(loop.playersSeen);
        }
        int enteredWorld = 0;
        int sawOthers = 0;
        long killCount = 0;
        long lootedCorpses = 0;
        long lootedCopper = 0;
        long chatHeard = 0;
        long maxMoney = 0;
        long corrections = 0;
        long redirects = 0;
        long standbyTakeovers = 0;
        long seamlessCrossings = 0;
        long instancesEntered = 0;
        long portalsRefused = 0;
        final Map<String, Long> stateEntries = new TreeMap<>();
        BotReport.Battlegrounds battlegrounds = BotReport.Battlegrounds.none(config.battlegroundShare());
        BotReport.Items items = BotReport.Items.NONE;
        for (final Bot bot : bots) {
            battlegrounds = battlegrounds.plus(bot.battleground);
            items = items.plus(bot.play.items);
            for (final Bot.State state : Bot.State.values()) {
                if (bot.entries(state) > 0) {
                    stateEntries.merge(state.name().toLowerCase(Locale.ROOT), (long) bot.entries(state), Long::sum);
                }
            }
            instancesEntered += bot.play.instancesEntered;
            portalsRefused += bot.play.portalsRefused;
            enteredWorld += bot.enteredWorld ? 1 : 0;
            sawOthers += bot.play.sawOthers ? 1 : 0;
            killCount += bot.play.kills;
            lootedCorpses += bot.play.lootedCorpses;
            lootedCopper += bot.play.lootedCopper;
            chatHeard += bot.play.chatHeard;
            maxMoney = Math.max(maxMoney, bot.play.maxMoney);
            corrections += bot.play.moveCorrections;
            redirects += bot.redirects;
            standbyTakeovers += bot.standbyTakeovers;
            seamlessCrossings += bot.seamlessCrossings;
        }
        final long loginP50 = logins.latencyMicros(50);
        final long loginP99 = logins.latencyMicros(99);
        final Map<String, String> failureDetails = new TreeMap<>();
        failures.forEach((step, count) -> failureDetails.put(step, failureExamples.get(step)));
        return new BotReport(
                config.count(),
                logins.loggedIn(),
                enteredWorld,
                loginP50,
                loginP99,
                toWorld.getTotalCount() == 0 ? 0 : toWorld.getValueAtPercentile(50),
                toWorld.getTotalCount() == 0 ? 0 : toWorld.getValueAtPercentile(99),
                latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50),
                latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99),
                latency.getMaxValue(),
                latency.getTotalCount(),
                movesSent.sum(),
                corrections,
                redirects,
                standbyTakeovers,
                gaps.getTotalCount() == 0 ? 0 : gaps.getValueAtPercentile(50),
                gaps.getTotalCount() == 0 ? 0 : gaps.getValueAtPercentile(99),
                gaps.getMaxValue(),
                instancesEntered,
                portalsRefused,
                sawOthers,
                players.size(),
                killCount,
                lootedCorpses,
                lootedCopper,
                chatHeard,
                maxMoney,
                sums(disconnects),
                sums(unexpectedDisconnects),
                total(protocolErrors),
                sums(protocolErrors),
                sums(failures),
                failureDetails,
                loginSeconds,
                worldSeconds,
                stateEntries,
                battlegrounds.withAcceptToWorld(
                        toBattleground.getTotalCount() == 0 ? 0 : toBattleground.getValueAtPercentile(50),
                        toBattleground.getTotalCount() == 0 ? 0 : toBattleground.getValueAtPercentile(99),
                        toBattleground.getMaxValue()),
                entryPhases(entrySteps),
                items,
                BotReport.Reconnects.of(
                        breakToWorld, resumeSteps.waits, resumeSteps.resume, resumeSteps.welcome, resumeSteps.enter),
                BotReport.Crossings.of(crossingGaps, seamlessCrossings));
    }

    private static BotReport.EntryPhases entryPhases(final BotEntryPhases.Histograms steps) {
        final long count = steps.answer.getTotalCount();
        if (count == 0) {
            return BotReport.EntryPhases.NONE;
        }
        return new BotReport.EntryPhases(
                count,
                steps.answer.getValueAtPercentile(50),
                steps.answer.getValueAtPercentile(99),
                steps.transfer.getValueAtPercentile(50),
                steps.transfer.getValueAtPercentile(99),
                steps.connect.getValueAtPercentile(50),
                steps.connect.getValueAtPercentile(99),
                steps.enter.getValueAtPercentile(50),
                steps.enter.getValueAtPercentile(99));
    }

    /**
     * Whether bot {@code index} is one of the {@code share} that go through portals: spread evenly over
     * the fleet, in pairs of neighbours so that both races (they alternate) and both continents have some.
     */
    static boolean goesThroughPortals(final int index, final double share) {
        final int pair = index / 2;
        return share > 0 && Math.floor((pair + 1) * share) > Math.floor(pair * share);
    }

    private static long total(final Map<String, LongAdder> counters) {
        return counters.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static Map<String, Long> sums(final Map<String, LongAdder> counters) {
        final Map<String, Long> result = new TreeMap<>();
        counters.forEach((key, adder) -> result.put(key, adder.sum()));
        return result;
    }

    /** The node answers moves on TCP: whatever comes to a bot's UDP socket (a PONG) is dropped. */
    @ChannelHandler.Sharable
    private static final class DropDatagrams extends ChannelInboundHandlerAdapter {
        static final DropDatagrams INSTANCE = new DropDatagrams();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
