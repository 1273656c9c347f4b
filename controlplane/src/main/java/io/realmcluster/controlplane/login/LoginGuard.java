package io.realmcluster.controlplane.login;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.common.log.LogSafe;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands between a caller of Login and a password check: the {@link LoginThrottle}, then a bounded
 * pool of hashing threads. A call refused by either is answered at once (RESOURCE_EXHAUSTED, with when to
 * try again), so a flood holds no thread and cannot take the cores that node sessions need.
 */
public final class LoginGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    static final String THROTTLED_ADDRESS = "throttled_address";
    static final String THROTTLED_ACCOUNT = "throttled_account";
    static final String REGISTRATION_LIMIT = "registration_limit";
    static final String BUSY = "busy";

    private final LoginThrottle throttle;
    private final Executor hashing;
    private final Counter refused;

    /** Limits from {@code limits}; refusals counted in {@code metrics} by reason. */
    public LoginGuard(final LoginLimits limits, final Clock clock, final PrometheusRegistry metrics) {
        this(limits, clock, metrics, Threads.boundedPool("login-hash", limits.hashThreads(), limits.hashQueue()));
    }

    /** With the checks run on {@code hashing} (tests: the caller's thread). */
    LoginGuard(final LoginLimits limits, final Clock clock, final PrometheusRegistry metrics, final Executor hashing) {
        this.throttle = new LoginThrottle(limits, clock);
        this.hashing = hashing;
        this.refused = Counter.builder()
                .name("realm_controlplane_login_refused")
                .help("Login, registration and character creation calls refused before any password was checked, "
                        + "by reason (throttled_address, throttled_account, registration_limit, busy)")
                .labelNames("reason")
                .register(metrics);
        for (final String reason : new String[] {THROTTLED_ADDRESS, THROTTLED_ACCOUNT, REGISTRATION_LIMIT, BUSY}) {
            refused.labelValues(reason);
        }
    }

    /**
     * Check {@code account}'s password from {@code ip} in {@code body} on a hashing thread, when the throttle
     * lets it; an UNAUTHENTICATED answer counts as a failure of both, any other answer forgives them.
     */
    <T> void authenticated(
            final InetAddress ip, final String account, final StreamObserver<T> response, final Supplier<T> body) {
        final LoginThrottle.Verdict verdict = throttle.attempt(ip, account);
        if (!verdict.allowed()) {
            final boolean byAccount = verdict.who().equals("account");
            refused.labelValues(byAccount ? THROTTLED_ACCOUNT : THROTTLED_ADDRESS)
                    .inc();
            response.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription((byAccount
                                    ? "too many failed logins of this account"
                                    : "too many login attempts from your address")
                            + "; retry after " + verdict.waitSeconds() + " s")
                    .asRuntimeException());
            return;
        }
        run(response, () -> {
            try {
                final T result = body.get();
                throttle.succeeded(ip, account);
                return result;
            } catch (final StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                    throttle.failed(ip, account);
                    LOG.debug("failed login of account {} from {}", LogSafe.safe(account), ip);
                }
                throw e;
            }
        });
    }

    /** Register an account from {@code ip} in {@code body} on a hashing thread, within the address's registrations. */
    <T> void registration(final InetAddress ip, final StreamObserver<T> response, final Supplier<T> body) {
        final LoginThrottle.Verdict verdict = throttle.register(ip);
        if (!verdict.allowed()) {
            refused.labelValues(REGISTRATION_LIMIT).inc();
            response.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("too many accounts registered from your address; retry after "
                            + verdict.waitSeconds() + " s")
                    .asRuntimeException());
            return;
        }
        run(response, body);
    }

    private <T> void run(final StreamObserver<T> response, final Supplier<T> body) {
        try {
            hashing.execute(() -> LoginService.answer(response, body));
        } catch (final RejectedExecutionException full) {
            refused.labelValues(BUSY).inc();
            response.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("the login service is busy; retry after 1 s")
                    .asRuntimeException());
        }
    }

    /** Calls refused for {@code reason} so far (tests). */
    double refusedCount(final String reason) {
        return refused.labelValues(reason).get();
    }

    /** Throttle entries held now (tests). */
    long throttleEntries() {
        return throttle.entries();
    }

    @Override
    public void close() {
        if (hashing instanceof ExecutorService pool) {
            pool.shutdownNow();
        }
    }
}
