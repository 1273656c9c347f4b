package io.realmcluster.controlplane.election;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The replicas registered in etcd and which one leads, read fresh on every call. */
public final class ControlPlanes {
    private final EtcdStore store;
    private final Keys keys;

    public ControlPlanes(final EtcdStore store, final Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** All replicas, the leader marked; ordered by id. */
    public List<ControlPlaneReplica> list() {
        final String leader = leaderId();
        final List<ControlPlaneReplica> result = new ArrayList<>();
        for (final KeyValue kv : store.list(keys.controlPlanes())) {
            try {
                final ControlPlaneReplica replica =
                        ControlPlaneReplica.parseFrom(kv.getValue().getBytes());
                result.add(replica.toBuilder()
                        .setLeader(replica.getId().equals(leader))
                        .build());
            } catch (final InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt control-plane entry at " + kv.getKey(), e);
            }
        }
        return result;
    }

    /** The id of the leading replica, or empty when none leads. */
    public String leaderId() {
        try {
            final var response = store.client()
                    .getElectionClient()
                    .leader(keys.election())
                    .get(store.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return response.getKv() == null ? "" : response.getKv().getValue().toString(StandardCharsets.UTF_8);
        } catch (final ExecutionException e) {
            // etcd answers "election: no leader" as an error.
            if (String.valueOf(e.getCause()).contains("no leader")) {
                return "";
            }
            throw new EtcdUnavailableException("etcd election leader failed: " + e.getCause(), e.getCause());
        } catch (final TimeoutException e) {
            throw new EtcdUnavailableException(
                    "etcd did not answer election leader within "
                            + store.timeout().toMillis() + " ms",
                    e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnavailableException("interrupted", e);
        }
    }

    /** For messages: "the leader is cp-1 at 10.0.0.1:7400", or that none is elected. */
    public String describeLeader() {
        try {
            final String leader = leaderId();
            if (leader.isEmpty()) {
                return "no leader is elected yet; retry shortly";
            }
            for (final ControlPlaneReplica replica : list()) {
                if (replica.getId().equals(leader)) {
                    return "the leader is " + leader + " at "
                            + replica.getGrpc().getHost() + ":"
                            + replica.getGrpc().getPort();
                }
            }
            return "the leader is " + leader;
        } catch (final EtcdUnavailableException e) {
            return "the leader is unknown (" + e.getMessage() + ")";
        }
    }
}
