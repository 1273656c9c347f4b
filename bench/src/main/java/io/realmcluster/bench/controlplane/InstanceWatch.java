package io.realmcluster.bench.controlplane;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each instance's assignment was deleted from etcd (closed), as a watch of the instances prefix tells,
 * event by event: how the benchmark sees a dead node's dungeons go, which no simulated node confirms.
 */
final class InstanceWatch implements AutoCloseable {
    private final Map<String, Long> deletedAt = new ConcurrentHashMap<>();
    private final Watch.Watcher watcher;

    InstanceWatch(final EtcdStore store, final Keys keys) {
        final String prefix = keys.instances().toString();
        watcher = store.client()
                .getWatchClient()
                .watch(keys.instances(), WatchOption.builder().isPrefix(true).build(), Watch.listener(response -> {
                    final long now = System.nanoTime();
                    for (final WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.DELETE) {
                            deletedAt.put(
                                    event.getKeyValue().getKey().toString().substring(prefix.length()), now);
                        }
                    }
                }));
    }

    /** When {@code instanceId} was last deleted (nano time), or null. */
    Long deletedAt(final String instanceId) {
        return deletedAt.get(instanceId);
    }

    @Override
    public void close() {
        watcher.close();
    }
}
