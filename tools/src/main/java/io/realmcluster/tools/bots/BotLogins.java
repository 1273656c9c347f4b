package io.realmcluster.tools.bots;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.PlayerCreateCharacterRequest;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The Login service's part of a fleet's run: for each bot, register its account and create its
 * character (unless they exist), then log in, with one call of a bot in flight at a time and at
 * most the configured number of bots at once. A bot logged in goes to its loop to connect. The
 * answers come on gRPC threads; what a bot does with them runs on its loop.
 */
final class BotLogins {
    /** Attempts of a call while the control plane says UNAVAILABLE or busy, half a second apart: 30 s in all. */
    private static final int LOGIN_ATTEMPTS = 60;

    private static final long LOGIN_RETRY_MILLIS = 500;
    private static final long CALL_DEADLINE_SECONDS = 10;
    /** Human and orc warriors, alternately: half the bots start in Eastern Kingdoms, half in Kalimdor. */
    private static final int[] RACES = {1, 2};

    /** The class of every bot's character: warriors, who may wear most gear. */
    static final int CLASS = 1;

    private final BotConfig config;
    private final BotFleet fleet;
    private final AtomicInteger loggedIn = new AtomicInteger();
    /** Microseconds per Login call; any gRPC thread records, under its lock. */
    private final Histogram latency = new Histogram(3);

    BotLogins(final BotConfig config, final BotFleet fleet) {
        this.config = config;
        this.fleet = fleet;
    }

    /** Bots logged in so far; any thread. */
    int loggedIn() {
        return loggedIn.get();
    }

    /** The Login calls' latency at {@code percentile}, in microseconds; 0 before the first. */
    long latencyMicros(final double percentile) {
        synchronized (latency) {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
        }
    }

    /**
     * Start the logins of {@code bots} in order, each once a permit is free; returns once the last has
     * started, or at a stop, when the bots not started are settled and finished without a connection.
     */
    void dispatch(final ManagedChannel grpc, final List<Bot> bots) throws InterruptedException {
        final Semaphore permits = new Semaphore(config.loginConcurrency());
        for (int i = 0; i < bots.size(); i++) {
            boolean acquired = false;
            while (!fleet.stopRequested() && !(acquired = permits.tryAcquire(1, TimeUnit.SECONDS))) {
                fleet.progressIfDue();
            }
            if (!acquired) {
                fleet.neverStarted(bots.size() - i);
                return;
            }
            if (config.accountsPassword() != null) {
                login(grpc, bots.get(i), permits, 1);
            } else {
                register(grpc, bots.get(i), permits, 1);
            }
            fleet.progressIfDue();
        }
    }

    private LoginGrpc.LoginStub stub(final ManagedChannel grpc) {
        return LoginGrpc.newStub(grpc).withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private void register(final ManagedChannel grpc, final Bot bot, final Semaphore permits, final int attempt) {
        stub(grpc)
                .registerAccount(
                        RegisterAccountRequest.newBuilder()
                                .setName(bot.account)
                                .setPassword(bot.password)
                                .build(),
                        unary(account -> createCharacter(grpc, bot, permits, 1), error -> {
                            if (!retried(error, false, attempt, bot, () -> register(grpc, bot, permits, attempt + 1))) {
                                loginFailed(bot, permits, "register", error);
                            }
                        }));
    }

    private void createCharacter(final ManagedChannel grpc, final Bot bot, final Semaphore permits, final int attempt) {
        stub(grpc)
                .createCharacter(
                        PlayerCreateCharacterRequest.newBuilder()
                                .setAccount(bot.account)
                                .setPassword(bot.password)
                                .setRealm(config.realm())
                                .setName(bot.character)
                                .setRace(RACES[bot.index % RACES.length])
                                .setClass_(CLASS)
                                .build(),
                        unary(character -> login(grpc, bot, permits, 1), error -> {
                            if (!retried(
                                    error,
                                    false,
                                    attempt,
                                    bot,
                                    () -> createCharacter(grpc, bot, permits, attempt + 1))) {
                                loginFailed(bot, permits, "create character", error);
                            }
                        }));
    }

    /**
     * Log in; UNAVAILABLE (no node runs the character's map yet, or no control plane answers) and
     * RESOURCE_EXHAUSTED (the control plane is busy) are retried every half second for a while.
     */
    private void login(final ManagedChannel grpc, final Bot bot, final Semaphore permits, final int attempt) {
        final long started = System.nanoTime();
        stub(grpc)
                .login(
                        LoginRequest.newBuilder()
                                .setAccount(bot.account)
                                .setPassword(bot.password)
                                .setRealm(config.realm())
                                .setCharacter(bot.character)
                                .build(),
                        unary(response -> loggedIn(bot, permits, response, started), error -> {
                            if (!retried(error, true, attempt, bot, () -> login(grpc, bot, permits, attempt + 1))) {
                                loginFailed(bot, permits, "login", error);
                            }
                        }));
    }

    /**
     * Call {@code again} in half a second, as a game client would, when the control plane said it is busy or
     * throttled this address (RESOURCE_EXHAUSTED) or, for a login ({@code unavailableToo}), that no node runs
     * the character's map yet (UNAVAILABLE); false when the bot gives up.
     */
    private boolean retried(
            final Throwable error,
            final boolean unavailableToo,
            final int attempt,
            final Bot bot,
            final Runnable again) {
        final Status.Code code = Status.fromThrowable(error).getCode();
        final boolean busy =
                code == Status.Code.RESOURCE_EXHAUSTED || (unavailableToo && code == Status.Code.UNAVAILABLE);
        if (!busy || attempt >= LOGIN_ATTEMPTS || fleet.stopRequested()) {
            return false;
        }
        try {
            bot.loop.eventLoop.schedule(again, LOGIN_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (final RejectedExecutionException stopped) {
            // The run is ending: the caller reports the failure.
            return false;
        }
    }

    private void loggedIn(final Bot bot, final Semaphore permits, final LoginResponse response, final long started) {
        permits.release();
        synchronized (latency) {
            latency.recordValue((System.nanoTime() - started) / 1000);
        }
        final byte[] token = response.getSessionToken().toByteArray();
        final String instance = response.getInstanceId();
        final String host = response.getNodeClient().getHost();
        final int port = response.getNodeClient().getPort();
        final String problem = token.length == 0 || token.length > ClientProtocol.MAX_TOKEN
                ? "a session token of " + token.length + " bytes"
                : instance.isEmpty() || instance.length() > ClientProtocol.MAX_INSTANCE_ID
                        ? "an instance id of " + instance.length() + " characters"
                        : host.isEmpty() || port <= 0 || port > 65535
                                ? "no node endpoint (" + host + ":" + port + ")"
                                : null;
        if (problem != null) {
            fleet.execute(bot.loop, () -> bot.fail("login", "Login answered with " + problem));
            return;
        }
        loggedIn.incrementAndGet();
        // Resolve here, on a gRPC thread, not on the event loop.
        final InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            fleet.execute(bot.loop, () -> bot.fail("connect", "cannot resolve node host " + host));
            return;
        }
        fleet.execute(bot.loop, () -> {
            bot.resume.remember(response);
            bot.connect(address, token, instance, started);
        });
    }

    private void loginFailed(final Bot bot, final Semaphore permits, final String step, final Throwable error) {
        permits.release();
        final Status status = Status.fromThrowable(error);
        final String description = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        final String detail;
        if (status.getCode() == Status.Code.ALREADY_EXISTS && step.equals("register")) {
            detail = "account '" + bot.account + "' already exists (an earlier run with --name-prefix "
                    + config.namePrefix() + "?); use another prefix";
        } else if (status.getCode() == Status.Code.ALREADY_EXISTS) {
            detail = "character '" + bot.character + "' already exists in realm " + config.realm()
                    + "; use another --name-prefix";
        } else if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            detail = "control plane at " + HostPort.join(config.controlPlanes()) + " did not answer: " + description;
        } else {
            detail = description;
        }
        final String key = step + " " + status.getCode().name();
        fleet.execute(bot.loop, () -> bot.fail(key, detail));
    }

    private static <T> StreamObserver<T> unary(final Consumer<T> onValue, final Consumer<Throwable> onError) {
        return new StreamObserver<>() {
            private T value;

            @Override
            public void onNext(final T next) {
                value = next;
            }

            @Override
            public void onError(final Throwable t) {
                onError.accept(t);
            }

            @Override
            public void onCompleted() {
                onValue.accept(value);
            }
        };
    }
}
