package io.realmcluster.controlplane.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;

/**
 * The key layout of the cluster in etcd, under one prefix per cluster (several clusters may share
 * an etcd): {@code PREFIX/v1/nodes/NODE_ID}, {@code PREFIX/v1/instances/INSTANCE_ID}.
 */
public final class Keys {
    private final String root;

    public Keys(final String prefix) {
        final String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!trimmed.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix must start with '/': '" + prefix + "'");
        }
        this.root = trimmed + "/v1/";
    }

    public ByteSequence node(final String nodeId) {
        return bytes(root + "nodes/" + nodeId);
    }

    public ByteSequence nodes() {
        return bytes(root + "nodes/");
    }

    public ByteSequence instances() {
        return bytes(root + "instances/");
    }

    public ByteSequence instance(final String instanceId) {
        return bytes(root + "instances/" + instanceId);
    }

    public String root() {
        return root;
    }

    public static ByteSequence bytes(final String key) {
        return ByteSequence.from(key, UTF_8);
    }
}
