package io.realmcluster.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.realmcluster.common.concurrent.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of every key under a prefix: listed once, then kept current by a watch from the listed
 * revision, which resumes from the last revision seen when it breaks (an etcd leader change, a
 * lost connection) and lists again when that revision was compacted away. Listeners hear of each
 * change once it is in the copy. Changes are applied on the {@code etcd-watch} thread, which owns
 * the copy; readers get immutable snapshots.
 */
public final class WatchedPrefix implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedPrefix.class);
    private static final long REWATCH_DELAY_MS = 200;

    /**
     * The keys at {@code revision}; {@code watching} false while the watch is broken and changes may be missed.
     * Snapshots are numbered one by one ({@code sequence}); when {@code incremental}, {@code puts} and {@code
     * deletes} (full keys) are exactly what changed since the snapshot numbered one less, so that a reader who
     * folded that one needs only these; after a new list they are empty and {@code incremental} is false.
     */
    public record Snapshot(
            long revision,
            List<KeyValue> kvs,
            boolean watching,
            long sequence,
            boolean incremental,
            List<KeyValue> puts,
            List<String> deletes) {}

    private final EtcdStore store;
    private final ByteSequence prefix;
    /** Hears the keys a change touched, or null when any may have changed (a list, a broken watch). */
    private final Consumer<List<ByteSequence>> changed;

    private final ScheduledExecutorService thread;
    /** Thread-owned: the keys as last seen, and the revision of the last change among them. */
    private final Map<ByteSequence, KeyValue> kvs = new HashMap<>();

    private long revision;
    /** Thread-owned: the number of the last snapshot published. */
    private long sequence;
    /** Thread-owned: the keys were listed again since the last snapshot published. */
    private boolean listed = true;
    /** Thread-owned: the next watch must begin with a list (first start, or history compacted). */
    private boolean relist = true;

    private final Object published = new Object();
    private volatile Snapshot snapshot;
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;

    public WatchedPrefix(final EtcdStore store, final ByteSequence prefix, final Runnable changed) {
        this(store, prefix, keys -> changed.run());
    }

    /** {@code changed} hears the keys each change touched, or null when any may have changed. */
    public WatchedPrefix(final EtcdStore store, final ByteSequence prefix, final Consumer<List<ByteSequence>> changed) {
        this.store = store;
        this.prefix = prefix;
        this.changed = changed;
        this.thread = Threads.singleThread("etcd-watch");
    }

    public void start() {
        thread.execute(this::watch);
    }

    /**
     * The copy once it holds every change up to {@code minRevision} and its watch runs; an
     * {@link EtcdUnavailableException} when it does not within {@code timeout}.
     */
    public Snapshot await(final long minRevision, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (published) {
            while (true) {
                final Snapshot current = snapshot;
                if (current != null && current.watching() && current.revision() >= minRevision) {
                    return current;
                }
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    throw new EtcdUnavailableException(behind(current, minRevision, timeout), null);
                }
                try {
                    published.wait(leftMs);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EtcdUnavailableException("interrupted while waiting for the watch on " + prefix, e);
                }
            }
        }
    }

    /** The copy as last seen, its watch running or broken; null before its first list. Any thread, no wait. */
    public Snapshot last() {
        synchronized (published) {
            return snapshot;
        }
    }

    private String behind(final Snapshot current, final long minRevision, final Duration timeout) {
        if (current == null) {
            return "the watch on " + prefix + " has not listed its keys within " + timeout.toMillis() + " ms";
        }
        return "the watch on " + prefix + (current.watching() ? " is at revision " : " is broken at revision ")
                + current.revision() + ", short of " + minRevision + " after " + timeout.toMillis() + " ms";
    }

    private void watch() {
        if (closed) {
            return;
        }
        if (relist) {
            final EtcdStore.Listing listing;
            try {
                listing = store.listAtRevision(prefix);
            } catch (final EtcdUnavailableException e) {
                LOG.debug("cannot list {} ({}); trying again", prefix, e.getMessage());
                thread.schedule(this::watch, REWATCH_DELAY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            kvs.clear();
            listing.kvs().forEach(kv -> kvs.put(kv.getKey(), kv));
            revision = listing.revision();
            relist = false;
            listed = true;
        }
        publish(true, null, List.of(), List.of());
        final WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRequireLeader(true)
                .withRevision(revision + 1)
                .build();
        watcher = store.client()
                .getWatchClient()
                .watch(
                        prefix,
                        option,
                        Watch.listener(
                                response -> Threads.executeUnlessClosed(thread, () -> apply(response)),
                                error -> Threads.executeUnlessClosed(thread, () -> broken(error))));
    }

    private void apply(final WatchResponse response) {
        if (response.getEvents().isEmpty()) {
            return;
        }
        final List<ByteSequence> touched = new ArrayList<>(response.getEvents().size());
        // The last event of each key counts: a key put then deleted in one response is deleted.
        final Map<ByteSequence, KeyValue> puts = new LinkedHashMap<>();
        final Map<ByteSequence, String> deletes = new LinkedHashMap<>();
        for (final WatchEvent event : response.getEvents()) {
            final KeyValue kv = event.getKeyValue();
            touched.add(kv.getKey());
            if (event.getEventType() == WatchEvent.EventType.DELETE) {
                kvs.remove(kv.getKey());
                puts.remove(kv.getKey());
                deletes.put(kv.getKey(), kv.getKey().toString());
            } else {
                kvs.put(kv.getKey(), kv);
                deletes.remove(kv.getKey());
                puts.put(kv.getKey(), kv);
            }
            // A delete's event carries the revision of the delete.
            revision = Math.max(revision, kv.getModRevision());
        }
        publish(true, touched, List.copyOf(puts.values()), List.copyOf(deletes.values()));
    }

    private void broken(final Throwable error) {
        if (closed) {
            return;
        }
        final String message = String.valueOf(error.getMessage());
        if (message.contains("compacted")) {
            // The changes in between are gone: only a new list covers them.
            relist = true;
        }
        LOG.debug("watch on {} broke ({}); re-establishing from revision {}", prefix, message, revision + 1);
        final Watch.Watcher old = watcher;
        if (old != null) {
            old.close();
        }
        publish(false, null, List.of(), List.of());
        thread.schedule(this::watch, REWATCH_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    private void publish(
            final boolean watching,
            final List<ByteSequence> touched,
            final List<KeyValue> puts,
            final List<String> deletes) {
        final boolean incremental = !listed;
        listed = false;
        synchronized (published) {
            snapshot = new Snapshot(
                    revision,
                    List.copyOf(kvs.values()),
                    watching,
                    ++sequence,
                    incremental,
                    incremental ? puts : List.of(),
                    incremental ? deletes : List.of());
            published.notifyAll();
        }
        changed.accept(touched);
    }

    @Override
    public void close() {
        closed = true;
        final Watch.Watcher current = watcher;
        if (current != null) {
            current.close();
        }
        thread.shutdownNow();
    }
}
