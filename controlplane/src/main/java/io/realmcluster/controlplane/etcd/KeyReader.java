package io.realmcluster.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import java.util.List;

/**
 * Reads the keys under a prefix, in key order, each with its mod revision: straight from etcd
 * ({@link EtcdStore#list}) or from this replica's watched copy ({@link
 * io.realmcluster.controlplane.placement.ClusterView#list}), which holds this replica's own writes
 * and costs etcd nothing.
 */
@FunctionalInterface
public interface KeyReader {
    List<KeyValue> list(ByteSequence prefix);
}
