package io.realmcluster.tools.localcluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed ports of the local cluster (see the README), all shifted by one offset. Each etcd member's
 * three ports (client, peer, metrics) follow the member before's, so three members take 2479-2487, as nine
 * nodes take 7411-7419: two clusters whose offsets differ by 20 to 600 (the chaos run's 500) share no port.
 */
public record LocalPorts(int offset) {
    static final int ETCD_CLIENT = 2479;
    static final int ETCD_PEER = 2480;
    /** etcd's /health and /metrics, in plaintext: its client port asks for a certificate. */
    static final int ETCD_METRICS = 2481;
    /** How far one etcd member's ports are from the member before's. */
    static final int ETCD_MEMBER_STRIDE = 3;

    static final int POSTGRES = 5532;
    /** The control plane's public listener (players' Login); its internal one is the next port. */
    static final int CONTROLPLANE = 7400;

    static final int CONTROLPLANE_INTERNAL = 7401;
    static final int CONTROLPLANE_METRICS = 9400;
    static final int NODE_GRPC = 7410;
    static final int NODE_CLIENTS = 8084;
    static final int NODE_METRICS = 9410;

    /** Member numbers start at 1: a single etcd is member 1, on 2479. */
    public int etcdClient(final int member) {
        return ETCD_CLIENT + etcdShift(member);
    }

    public int etcdPeer(final int member) {
        return ETCD_PEER + etcdShift(member);
    }

    public int etcdMetrics(final int member) {
        return ETCD_METRICS + etcdShift(member);
    }

    public int postgres() {
        return POSTGRES + offset;
    }

    public int controlPlane() {
        return CONTROLPLANE + offset;
    }

    public int controlPlaneInternal() {
        return CONTROLPLANE_INTERNAL + offset;
    }

    public int controlPlaneMetrics() {
        return CONTROLPLANE_METRICS + offset;
    }

    /** Node numbers start at 1: node-1 serves game clients on 8085, as a vanilla world server did. */
    public int nodeGrpc(final int node) {
        return NODE_GRPC + node + offset;
    }

    public int nodeClients(final int node) {
        return NODE_CLIENTS + node + offset;
    }

    public int nodeMetrics(final int node) {
        return NODE_METRICS + node + offset;
    }

    /** Every port of a cluster of {@code nodes} nodes and {@code etcdMembers} etcd members. */
    public List<Integer> all(final int nodes, final int etcdMembers) {
        final List<Integer> ports = new ArrayList<>();
        for (int member = 1; member <= etcdMembers; member++) {
            ports.addAll(List.of(etcdClient(member), etcdPeer(member), etcdMetrics(member)));
        }
        ports.addAll(List.of(postgres(), controlPlane(), controlPlaneInternal(), controlPlaneMetrics()));
        for (int node = 1; node <= nodes; node++) {
            ports.addAll(List.of(nodeGrpc(node), nodeClients(node), nodeMetrics(node)));
        }
        return ports;
    }

    private int etcdShift(final int member) {
        return ETCD_MEMBER_STRIDE * (member - 1) + offset;
    }
}
