package io.realmcluster.dataplane.transfer;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.v1.MapInstance;

/** The maps characters leave, by their handle on this node: what a departure asks of the map it leaves. */
interface SourceMaps {
    /** The assignment of the map at {@code handle}; null once it left this node. */
    MapInstance assignment(int handle);

    /** The ingress ring of the map at {@code handle}; null once it left this node. */
    Ingress ingress(int handle);

    /** The maps {@code host} runs. */
    static SourceMaps of(final InstanceHost host) {
        return new SourceMaps() {
            @Override
            public MapInstance assignment(final int handle) {
                final InstanceHost.Running map = host.byHandle(handle);
                return map == null ? null : map.assignment();
            }

            @Override
            public Ingress ingress(final int handle) {
                final InstanceHost.Running map = host.byHandle(handle);
                return map == null ? null : map.agent().ingress();
            }
        };
    }
}
