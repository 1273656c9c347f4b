package io.realmcluster.dataplane.transfer;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.proto.v1.MapInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The maps of the source node: each an assignment and the ingress the test reads. */
final class FakeMaps implements SourceMaps {
    private final Map<Integer, MapInstance> assignments = new HashMap<>();
    private final Map<Integer, Ingress> ingresses = new HashMap<>();
    private final Map<Integer, Ingress> read = new HashMap<>();

    void run(final int handle, final MapInstance assignment) {
        run(handle, assignment, Ingress.allocate(64 * 1024));
    }

    void run(final int handle, final MapInstance assignment, final Ingress ingress) {
        assignments.put(handle, assignment);
        ingresses.put(handle, ingress);
        read.put(handle, ingress);
    }

    void leave(final int handle) {
        assignments.remove(handle);
        ingresses.remove(handle);
    }

    @Override
    public MapInstance assignment(final int handle) {
        return assignments.get(handle);
    }

    @Override
    public Ingress ingress(final int handle) {
        return ingresses.get(handle);
    }

    /** What the map at {@code handle} was told since the last call, even after it left. */
    List<Input> inputs(final int handle) {
        final List<Input> inputs = new ArrayList<>();
        read.get(handle)
                .drain(
                        (type, buffer, index, length) -> inputs.add(
                                switch (type) {
                                    case Inputs.DEPARTED -> {
                                        final byte[] frame = new byte
                                                [buffer.getShort(index + Inputs.DEPARTED_FRAME_LENGTH) & 0xFFFF];
                                        buffer.getBytes(index + Inputs.DEPARTED_FRAME, frame);
                                        yield new Input(
                                                type,
                                                Inputs.entity(buffer, index),
                                                buffer.getInt(index + Inputs.DEPARTED_SESSION),
                                                -1,
                                                frame);
                                    }
                                    case Inputs.DEPART_FAILED ->
                                        new Input(
                                                type,
                                                Inputs.entity(buffer, index),
                                                buffer.getInt(index + Inputs.FAILED_SESSION),
                                                buffer.getLong(index + Inputs.FAILED_EPOCH));
                                    case Inputs.TRANSFER_LOST ->
                                        new Input(
                                                type,
                                                Inputs.entity(buffer, index),
                                                buffer.getInt(index + Inputs.LOST_SESSION),
                                                buffer.getLong(index + Inputs.LOST_EPOCH));
                                    default -> new Input(type, -1, -1, -1);
                                }),
                        Integer.MAX_VALUE);
        return inputs;
    }

    /** An input the map read from its ingress: epoch -1 and frame null where its type has none. */
    record Input(int type, long entity, int session, long epoch, byte[] frame) {
        Input(final int type, final long entity, final int session, final long epoch) {
            this(type, entity, session, epoch, null);
        }

        @Override
        public boolean equals(final Object other) {
            return other instanceof Input that
                    && type == that.type
                    && entity == that.entity
                    && session == that.session
                    && epoch == that.epoch
                    && Arrays.equals(frame, that.frame);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(entity) * 31 + type;
        }

        @Override
        public String toString() {
            return "Input[type=" + type + ", entity=" + entity + ", session=" + session + ", epoch=" + epoch
                    + ", frame=" + (frame == null ? "none" : frame.length + " bytes") + "]";
        }
    }
}
