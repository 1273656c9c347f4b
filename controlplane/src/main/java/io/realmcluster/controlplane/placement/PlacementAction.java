package io.realmcluster.controlplane.placement;

import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.MapInstance;
import java.time.Duration;

/** One step the placement controller takes on one instance, as decided by {@link PlacementDecisions}. */
public sealed interface PlacementAction {

    /**
     * What the action is about, the key its failures back off by and its warnings are told once
     * for: the instance's id (a draining node's id, or "rebalance", for a failure to decide those).
     */
    String key();

    /** A continent that runs nowhere goes to {@code instance}'s node. */
    record PlaceContinent(MapInstance instance, String name) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** A continent whose node is gone goes to another, as {@code next}. */
    record ReassignContinent(MapInstance instance, MapInstance next) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** An instance empty for its idle time is told to close, as {@code next}. */
    record BeginClosing(MapInstance instance, MapInstance next) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The assignment goes: its node closed it, or its node is gone ({@code nodeGone}). */
    record Remove(MapInstance instance, boolean nodeGone) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The instance starts moving, by {@code move}'s record (its reason: drain or rebalance). */
    record StartMove(MapInstance instance, InstanceMove move) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The target of the move loaded its copy: the source hands its players over. */
    record HandOver(MapInstance instance) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The move is done, or its source died ({@code sourceGone}): the instance becomes the target's. */
    record FinishMove(MapInstance instance, boolean sourceGone) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The move is called off, {@code why}; the players stay where they are. */
    record CallOffMove(MapInstance instance, String why) implements PlacementAction {
        @Override
        public String key() {
            return instance.getInstanceId();
        }
    }

    /** The move of an instance that is gone is forgotten. */
    record EndOrphanMove(String key) implements PlacementAction {}

    /**
     * Continent {@code key} is to run as {@code cells} cells from now on, the control plane's own layout
     * (--auto-split), {@code why}: placement splits or merges it as an operator's layout would.
     */
    record SetLayout(String key, int cells, String why) implements PlacementAction {}

    /** Nothing can be done for the instance now, {@code why}: operators are told once. */
    record Stuck(String key, String why) implements PlacementAction {}

    /** Nothing to do for the instance before {@code delay}, unless something changes. */
    record Wait(String key, Duration delay) implements PlacementAction {}

    /** Deciding about {@code key} failed: it backs off like a failed write, and the others go on. */
    record Failed(String key, RuntimeException error) implements PlacementAction {}
}
