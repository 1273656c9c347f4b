package io.realmcluster.tools.localcluster;

/** The fixed ports of the local cluster (see the README), all shifted by one offset. */
public record LocalPorts(int offset) {
    static final int ETCD_CLIENT = 2479;
    static final int ETCD_PEER = 2480;
    static final int POSTGRES = 5532;
    /** The control plane's public listener (players' Login); its internal one is the next port. */
    static final int CONTROLPLANE = 7400;

    static final int CONTROLPLANE_INTERNAL = 7401;
    static final int CONTROLPLANE_METRICS = 9400;
    static final int NODE_GRPC = 7410;
    static final int NODE_CLIENTS = 8084;
    static final int NODE_METRICS = 9410;

    public int etcdClient() {
        return ETCD_CLIENT + offset;
    }

    public int etcdPeer() {
        return ETCD_PEER + offset;
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
}
