package io.realmcluster.controlplane.placement;

import io.realmcluster.proto.v1.MapInstance;

/** What the owner of an empty instance (a battleground's match) says about closing it. */
public enum EmptyVerdict {
    /** Nothing to say: it closes after its idle time. */
    IDLE,
    /** Its use is over (the match ended, or is not kept): it closes at once. */
    OVER,
    /** Its owner expects players back (a seat inside its disconnect grace): it stays open past its idle time. */
    AWAITED;

    /** Asked of each empty instance that has an owner; may read etcd. */
    @FunctionalInterface
    public interface Owners {
        /** Every instance closes after its idle time. */
        Owners NONE = instance -> IDLE;

        EmptyVerdict of(MapInstance instance);
    }
}
