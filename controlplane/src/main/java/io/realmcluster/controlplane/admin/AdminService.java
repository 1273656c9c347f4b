package io.realmcluster.controlplane.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.KeyValue;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.controlplane.registry.NodeRegistry;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.GetNodeRequest;
import io.realmcluster.proto.v1.ListMapInstancesRequest;
import io.realmcluster.proto.v1.ListMapInstancesResponse;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;

/** The operators' API; every replica serves it from etcd, so any replica answers the same. */
public final class AdminService extends AdminGrpc.AdminImplBase {
    private final NodeRegistry nodes;
    private final EtcdStore store;
    private final Keys keys;

    public AdminService(final NodeRegistry nodes, final EtcdStore store, final Keys keys) {
        this.nodes = nodes;
        this.store = store;
        this.keys = keys;
    }

    @Override
    public void listNodes(final ListNodesRequest request, final StreamObserver<ListNodesResponse> response) {
        answer(response, () -> ListNodesResponse.newBuilder().addAllNodes(nodes.list()).build());
    }

    @Override
    public void getNode(final GetNodeRequest request, final StreamObserver<NodeStatus> response) {
        answer(response, () -> nodes.get(request.getNodeId()).orElseThrow(() -> Status.NOT_FOUND
            .withDescription("no node " + request.getNodeId() + " is registered").asRuntimeException()));
    }

    @Override
    public void listMapInstances(final ListMapInstancesRequest request,
                                 final StreamObserver<ListMapInstancesResponse> response) {
        answer(response, () -> {
            final List<MapInstance> instances = new ArrayList<>();
            for (final KeyValue kv : store.list(keys.instances())) {
                final MapInstance instance = parseInstance(kv);
                if (request.getNodeId().isEmpty() || request.getNodeId().equals(instance.getNodeId())) {
                    instances.add(instance);
                }
            }
            return ListMapInstancesResponse.newBuilder().addAllInstances(instances).build();
        });
    }

    private static MapInstance parseInstance(final KeyValue kv) {
        try {
            return MapInstance.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("corrupt map instance entry at " + kv.getKey()).asRuntimeException();
        }
    }

    private static <T> void answer(final StreamObserver<T> response, final Supplier<T> body) {
        final T result;
        try {
            result = body.get();
        } catch (final EtcdUnavailableException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (final RuntimeException e) {
            response.onError(Status.fromThrowable(e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
