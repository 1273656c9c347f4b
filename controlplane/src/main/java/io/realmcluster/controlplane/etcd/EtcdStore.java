package io.realmcluster.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.tls.TlsFiles;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's only door to etcd: every call carries the same deadline and is timed, so a
 * dead etcd shows up as a clear {@link EtcdUnavailableException}, never as a hang.
 */
public final class EtcdStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);
    private static final Duration FIRST_CALL_DEADLINE = Duration.ofSeconds(15);

    private final Client client;
    /** Null when etcd speaks plaintext. */
    private final EtcdTls tls;

    private final List<URI> endpoints;
    private final Duration timeout;
    private final Histogram latency;
    private final AtomicLong lastWrite = new AtomicLong();

    private EtcdStore(
            final Client client,
            final EtcdTls tls,
            final List<URI> endpoints,
            final Duration timeout,
            final PrometheusRegistry registry) {
        this.client = client;
        this.tls = tls;
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.latency = Histogram.builder()
                .name("realm_controlplane_etcd_request_seconds")
                .help("Latency of etcd requests by operation")
                .labelNames("op")
                .classicExponentialUpperBounds(0.0005, 2, 14)
                .register(registry);
    }

    /** Connect in plaintext ({@code http://} endpoints) and prove etcd answers. */
    public static EtcdStore connect(
            final List<URI> endpoints, final Duration timeout, final PrometheusRegistry registry) {
        return connect(endpoints, null, timeout, registry);
    }

    /**
     * Connect and prove etcd answers: over TLS with {@code tls} (the CA of etcd's certificate, and this
     * replica's certificate, which etcd's {@code --client-cert-auth} asks for) when the endpoints are
     * {@code https://}, in plaintext when they are {@code http://} and {@code tls} is null; a {@link
     * StartupException} naming the endpoints and what to fix otherwise.
     */
    public static EtcdStore connect(
            final List<URI> endpoints, final TlsFiles tls, final Duration timeout, final PrometheusRegistry registry) {
        final EtcdStore store = open(endpoints, tls, timeout, registry);
        try {
            store.firstCall(timeout);
        } catch (final EtcdUnavailableException e) {
            store.close();
            throw new StartupException("cannot reach etcd at " + store.describeEndpoints() + ": " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * Connect, and wait until etcd answers: each failed try is followed by a wait that doubles up to {@code maxWait},
     * and is said in the log. A replica started before etcd, or while it is slow, comes up with it rather than
     * exiting. After {@code giveUpAfter} (zero: never), or interrupted: a {@link StartupException}.
     */
    public static EtcdStore connectWaiting(
            final List<URI> endpoints,
            final TlsFiles tls,
            final Duration timeout,
            final Duration maxWait,
            final Duration giveUpAfter,
            final PrometheusRegistry registry) {
        final EtcdStore store = open(endpoints, tls, timeout, registry);
        final long start = System.nanoTime();
        long waitMillis = Math.min(500, maxWait.toMillis());
        while (true) {
            try {
                store.firstCall(timeout);
                return store;
            } catch (final EtcdUnavailableException e) {
                if (!giveUpAfter.isZero() && System.nanoTime() - start >= giveUpAfter.toNanos()) {
                    store.close();
                    throw new StartupException(
                            "cannot reach etcd at " + store.describeEndpoints() + ": " + e.getMessage() + " (waited "
                                    + giveUpAfter.toSeconds() + " s)",
                            e);
                }
                LOG.warn(
                        "waiting for etcd at {}: {}; retrying in {} s",
                        store.describeEndpoints(),
                        e.getMessage(),
                        String.format("%.1f", waitMillis / 1000.0));
            }
            try {
                Thread.sleep(waitMillis);
            } catch (final InterruptedException e) {
                store.close();
                Thread.currentThread().interrupt();
                throw new StartupException("stopped while waiting for etcd at " + store.describeEndpoints(), e);
            }
            waitMillis = Math.min(maxWait.toMillis(), waitMillis * 2);
        }
    }

    private static EtcdStore open(
            final List<URI> endpoints, final TlsFiles tls, final Duration timeout, final PrometheusRegistry registry) {
        EtcdTls.requireMatchingSchemes(endpoints, tls);
        final EtcdTls context = tls == null ? null : EtcdTls.load(tls);
        final ClientBuilder builder = Client.builder()
                .endpoints(endpoints)
                .connectTimeout(timeout)
                .waitForReady(false)
                .retryMaxDuration(timeout)
                // jetcd refuses a retry window no longer than its first delay (500 ms): a short deadline retries
                // sooner.
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryDelay(Math.max(1, Math.min(500, timeout.toMillis() / 4)))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3));
        if (context != null) {
            builder.sslContext(context.context());
        }
        return new EtcdStore(builder.build(), context, endpoints, timeout, registry);
    }

    private void firstCall(final Duration timeout) {
        // The first call loads jetcd's classes (and over TLS, the TLS stack, and shakes hands): seconds in a
        // cold JVM on a busy machine, longer than a steady call's deadline.
        await("get", client.getKVClient().get(Keys.bytes("/")), max(timeout, FIRST_CALL_DEADLINE));
    }

    private static Duration max(final Duration a, final Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public String describeEndpoints() {
        return endpoints.stream()
                .map(URI::toString)
                .reduce((a, b) -> a + "," + b)
                .orElse("");
    }

    /** The value at {@code key}, or null. */
    public KeyValue get(final ByteSequence key) {
        final List<KeyValue> kvs = await("get", client.getKVClient().get(key)).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** All keys under {@code prefix}, sorted by key. */
    public List<KeyValue> list(final ByteSequence prefix) {
        final GetOption option = GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .build();
        return await("list", client.getKVClient().get(prefix, option)).getKvs();
    }

    /** Keys under a prefix and the revision they were read at. */
    public record Listing(List<KeyValue> kvs, long revision) {}

    /** All keys under {@code prefix} at one revision, with that revision. */
    public Listing listAtRevision(final ByteSequence prefix) {
        final GetOption option = GetOption.builder().isPrefix(true).build();
        final GetResponse response = await("list", client.getKVClient().get(prefix, option));
        return new Listing(response.getKvs(), response.getHeader().getRevision());
    }

    /**
     * A transaction fenced by leadership: {@code fence} must hold for anything to happen, then
     * {@code conditions} decide whether {@code ops} apply.
     *
     * @return the revision written, or null when the conditions failed.
     * @throws NotLeaderException when the fence failed: the caller is no longer the leader.
     */
    public Long fencedTxn(final Cmp fence, final List<Cmp> conditions, final List<Op> ops) {
        final Op inner = Op.txn(conditions.toArray(new Cmp[0]), ops.toArray(new Op[0]), new Op[0]);
        final TxnResponse response = await(
                "fenced_txn", client.getKVClient().txn().If(fence).Then(inner).commit());
        if (!response.isSucceeded()) {
            throw new NotLeaderException();
        }
        final TxnResponse innerResponse = response.getTxnResponses().get(0);
        return innerResponse.isSucceeded() ? wrote(response) : null;
    }

    /** Put if {@code conditions} hold; the revision written, or null. */
    public Long txn(final List<Cmp> conditions, final List<Op> ops) {
        final TxnResponse response = await(
                "txn",
                client.getKVClient()
                        .txn()
                        .If(conditions.toArray(new Cmp[0]))
                        .Then(ops.toArray(new Op[0]))
                        .commit());
        return response.isSucceeded() ? wrote(response) : null;
    }

    /** Delete {@code key}; returns whether it existed. */
    public boolean delete(final ByteSequence key) {
        final DeleteResponse response = await("delete", client.getKVClient().delete(key));
        if (response.getDeleted() == 0) {
            return false;
        }
        wrote(response.getHeader().getRevision());
        return true;
    }

    /**
     * The revision of the latest write through this store that changed a key, 0 before any: a
     * watched copy of the keys has caught up with this process's own writes once it reaches it.
     */
    public long lastWriteRevision() {
        return lastWrite.get();
    }

    /** The revision {@code response} wrote at, noted as this store's latest write when it changed a key. */
    private long wrote(final TxnResponse response) {
        final long revision = response.getHeader().getRevision();
        if (changed(response)) {
            wrote(revision);
        }
        return revision;
    }

    private void wrote(final long revision) {
        lastWrite.accumulateAndGet(revision, Math::max);
    }

    /** Whether a transaction changed a key: etcd's revision moves only then (a delete of nothing moves none). */
    private static boolean changed(final TxnResponse response) {
        return !response.getPutResponses().isEmpty()
                || response.getDeleteResponses().stream().anyMatch(delete -> delete.getDeleted() > 0)
                || response.getTxnResponses().stream().anyMatch(EtcdStore::changed);
    }

    /** Grant a lease; returns its id. */
    public long grantLease(final Duration ttl) {
        return await("lease_grant", client.getLeaseClient().grant(Math.max(1, ttl.toSeconds())))
                .getID();
    }

    /** Renew a lease once; returns the remaining TTL in seconds, 0 or less when the lease is gone. */
    public long keepAliveOnce(final long leaseId) {
        try {
            return await("lease_keepalive", client.getLeaseClient().keepAliveOnce(leaseId))
                    .getTTL();
        } catch (final EtcdUnavailableException e) {
            if (isLeaseNotFound(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** Revoke a lease, deleting the keys attached to it; a lease already gone is not an error. */
    public void revokeLease(final long leaseId) {
        try {
            await("lease_revoke", client.getLeaseClient().revoke(leaseId));
        } catch (final EtcdUnavailableException e) {
            if (!isLeaseNotFound(e)) {
                throw e;
            }
        }
    }

    /** Put {@code value} under {@code leaseId} only if {@code key} does not exist; null when it does. */
    public Long putIfAbsent(final ByteSequence key, final ByteSequence value, final long leaseId) {
        return putIf(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)), key, value, leaseId);
    }

    /** Put {@code value} under {@code leaseId} only if {@code key} was last written at {@code modRevision}. */
    public Long putIfModRevision(
            final ByteSequence key, final ByteSequence value, final long leaseId, final long modRevision) {
        return putIf(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)), key, value, leaseId);
    }

    private Long putIf(final Cmp condition, final ByteSequence key, final ByteSequence value, final long leaseId) {
        final PutOption option = PutOption.builder().withLeaseId(leaseId).build();
        final TxnResponse response = await(
                "txn",
                client.getKVClient()
                        .txn()
                        .If(condition)
                        .Then(Op.put(key, value, option))
                        .commit());
        return response.isSucceeded() ? wrote(response) : null;
    }

    /** Unconditional put; returns the revision written. */
    public long put(final ByteSequence key, final ByteSequence value, final long leaseId) {
        final PutOption option = leaseId == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(leaseId).build();
        final PutResponse response = await("put", client.getKVClient().put(key, value, option));
        wrote(response.getHeader().getRevision());
        return response.getHeader().getRevision();
    }

    public Client client() {
        return client;
    }

    public Duration timeout() {
        return timeout;
    }

    private <T> T await(final String op, final CompletableFuture<T> future) {
        return await(op, future, timeout);
    }

    private <T> T await(final String op, final CompletableFuture<T> future, final Duration deadline) {
        final long start = System.nanoTime();
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            future.cancel(true);
            throw new EtcdUnavailableException(
                    "etcd did not answer " + op + " within " + deadline.toMillis() + " ms", e);
        } catch (final ExecutionException e) {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new EtcdUnavailableException("etcd " + op + " failed: " + cause.getMessage(), cause);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnavailableException("interrupted during etcd " + op, e);
        } finally {
            latency.labelValues(op).observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** Whether etcd refused the request because its lease is gone (expired or revoked). */
    public static boolean isLeaseNotFound(final Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("requested lease not found")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        client.close();
        if (tls != null) {
            tls.close();
        }
    }
}
