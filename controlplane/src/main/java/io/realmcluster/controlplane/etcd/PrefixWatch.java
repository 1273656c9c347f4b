package io.realmcluster.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.realmcluster.common.concurrent.Threads;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch on a key prefix that only says "something changed": readers confirm with a read. It is
 * re-established from the last revision seen when it breaks (an etcd leader change, a lost
 * connection), and from now when that revision was compacted away.
 */
public final class PrefixWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrefixWatch.class);
    private static final long REWATCH_DELAY_MS = 200;

    private final EtcdStore store;
    private final ByteSequence prefix;
    private final Runnable changed;
    private final ScheduledExecutorService thread;
    private volatile long lastRevision;
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;

    public PrefixWatch(final EtcdStore store, final ByteSequence prefix, final Runnable changed) {
        this.store = store;
        this.prefix = prefix;
        this.changed = changed;
        this.thread = Threads.singleThread("etcd-watch");
    }

    public void start() {
        thread.execute(this::watch);
    }

    private void watch() {
        if (closed) {
            return;
        }
        final WatchOption.Builder option = WatchOption.builder().isPrefix(true).withRequireLeader(true);
        if (lastRevision > 0) {
            option.withRevision(lastRevision + 1);
        }
        watcher = store.client()
                .getWatchClient()
                .watch(
                        prefix,
                        option.build(),
                        Watch.listener(
                                response -> {
                                    for (final WatchEvent event : response.getEvents()) {
                                        lastRevision = Math.max(
                                                lastRevision,
                                                event.getKeyValue().getModRevision());
                                    }
                                    changed.run();
                                },
                                this::broken));
    }

    private void broken(final Throwable error) {
        if (closed) {
            return;
        }
        final String message = String.valueOf(error.getMessage());
        if (message.contains("compacted")) {
            // Events in between are gone; a full read by the listener covers them.
            lastRevision = 0;
        }
        LOG.debug("watch on {} broke ({}); re-establishing from revision {}", prefix, message, lastRevision + 1);
        final Watch.Watcher old = watcher;
        if (old != null) {
            old.close();
        }
        changed.run();
        thread.schedule(this::watch, REWATCH_DELAY_MS, TimeUnit.MILLISECONDS);
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
