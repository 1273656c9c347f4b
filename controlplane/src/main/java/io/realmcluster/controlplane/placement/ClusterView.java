package io.realmcluster.controlplane.placement;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.etcd.WatchedPrefix;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as this replica's watch on etcd last saw it, for the reads of the Admin and
 * Placement APIs: one watch per replica instead of a range over the whole prefix per call. A read
 * waits until the view holds this replica's own writes (read-your-writes: a node registered, a
 * cordon set or an instance placed here shows in the next read here); other replicas' writes show
 * within the watch's delay. Every write of this replica's store is under the watched prefix.
 */
public final class ClusterView implements AutoCloseable {
    private final EtcdStore store;
    private final Keys keys;
    private final WatchedPrefix watched;
    /** The last snapshot parsed and its state, shared by the readers of that snapshot. */
    private WatchedPrefix.Snapshot parsedFrom;

    private ClusterState parsed;

    /** The last snapshot listed from, and its keys by the prefixes asked for. */
    private WatchedPrefix.Snapshot listedFrom;

    private final Map<ByteSequence, List<KeyValue>> listed = new HashMap<>();

    /** {@code changed} runs after each change is in the view (on the watch's thread: it must not block). */
    public ClusterView(final EtcdStore store, final Keys keys, final Runnable changed) {
        this(store, keys, changed, changed);
    }

    /**
     * {@code placementChanged} runs after a change of anything but the battleground queues and
     * matches is in the view, {@code battlegroundsChanged} after a change of those (both after a
     * new list or a broken watch): the queue's churn wakes no placement pass, whose read of the
     * whole prefix it would repeat at every join. On the watch's thread: they must not block.
     */
    public ClusterView(
            final EtcdStore store,
            final Keys keys,
            final Runnable placementChanged,
            final Runnable battlegroundsChanged) {
        this.store = store;
        this.keys = keys;
        final ByteSequence queue = Keys.bytes(keys.root() + "queue/");
        final ByteSequence matches = keys.matches();
        this.watched = new WatchedPrefix(store, Keys.bytes(keys.root()), touched -> {
            // Folded here, on the watch's thread, snapshot by snapshot: each is parsed from the one before it, only
            // what changed (a reader that asks first folds it itself, in the same order).
            parsed(watchedNow());
            boolean placement = touched == null;
            boolean battlegrounds = touched == null;
            if (touched != null) {
                for (final ByteSequence key : touched) {
                    if (key.startsWith(queue) || key.startsWith(matches)) {
                        battlegrounds = true;
                    } else {
                        placement = true;
                    }
                }
            }
            if (placement) {
                placementChanged.run();
            }
            if (battlegrounds) {
                battlegroundsChanged.run();
            }
        });
    }

    public void start() {
        watched.start();
    }

    /**
     * The state, once it holds every write of this replica: an {@link EtcdUnavailableException}
     * after the etcd deadline when the watch is behind, broken, or has not listed yet. Readers must
     * not change it. A replica cut off from etcd answers what it saw last (it can write nothing
     * meanwhile, so it misses none of its own writes).
     */
    public ClusterState current() {
        return atLeast(0);
    }

    /**
     * The state as this replica last saw it, without waiting for the watch: what it knew before etcd became
     * unreachable, for reads that may be stale rather than fail (the routes of logins while etcd is down);
     * null before the first list.
     */
    public ClusterState lastKnown() {
        final WatchedPrefix.Snapshot snapshot = watched.last();
        return snapshot == null ? null : parsed(snapshot);
    }

    /** As {@link #current()}, and holding every change up to {@code revision} (another replica's write). */
    public ClusterState atLeast(final long revision) {
        return parsed(watched.await(Math.max(revision, store.lastWriteRevision()), store.timeout()));
    }

    /**
     * The state of {@code snapshot}, made once and shared by its readers: from the state of the snapshot before it
     * and the keys that changed in between when that one was made (the usual case: the watch's thread makes each in
     * turn), else parsed from every key.
     */
    private synchronized ClusterState parsed(final WatchedPrefix.Snapshot snapshot) {
        if (snapshot == null) {
            return null;
        }
        if (snapshot != parsedFrom) {
            if (parsedFrom != null && snapshot.sequence() <= parsedFrom.sequence()) {
                // The watch has moved on since the reader got its snapshot: the newer state holds all it asked for.
                return parsed;
            }
            parsed = parsedFrom != null && snapshot.incremental() && snapshot.sequence() == parsedFrom.sequence() + 1
                    ? parsed.next(keys, snapshot.revision(), snapshot.puts(), snapshot.deletes())
                    : ClusterState.of(keys, snapshot.revision(), snapshot.kvs());
            parsedFrom = snapshot;
        }
        return parsed;
    }

    private WatchedPrefix.Snapshot watchedNow() {
        return watched.last();
    }

    /**
     * The keys under {@code prefix} (inside the watched root) in key order, once the view holds
     * every write of this replica, as {@link #current()}: what {@link EtcdStore#list} answers, without
     * a range request to etcd. A prefix's list is made once per change of the view.
     */
    public List<KeyValue> list(final ByteSequence prefix) {
        final WatchedPrefix.Snapshot snapshot = watched.await(store.lastWriteRevision(), store.timeout());
        synchronized (this) {
            if (snapshot != listedFrom) {
                listed.clear();
                listedFrom = snapshot;
            }
            return listed.computeIfAbsent(
                    prefix,
                    under -> snapshot.kvs().stream()
                            .filter(kv -> kv.getKey().startsWith(under))
                            .sorted(Comparator.comparing(kv -> kv.getKey().toString()))
                            .toList());
        }
    }

    @Override
    public void close() {
        watched.close();
    }
}
