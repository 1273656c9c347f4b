package io.realmcluster.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.AssignmentAck;
import io.realmcluster.proto.v1.CellLayout;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.LoadReport;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A state folded change by change from the watch ({@link ClusterState#next}) is the state parsed from every key. */
class ClusterStateTest {
    private static final Keys KEYS = new Keys("/fold");
    private static final int NODES = 4;
    private static final int INSTANCES = 6;

    private final SplittableRandom random = new SplittableRandom(23);
    private final Map<String, KeyValue> kvs = new TreeMap<>();
    private long revision = 10;

    @Test
    void foldingEachChangeGivesWhatParsingEveryKeyGives() {
        ClusterState folded = ClusterState.of(KEYS, revision, List.of());
        for (int step = 0; step < 2_000; step++) {
            final ClusterState before = folded;
            final ClusterState beforeParsed = ClusterState.of(KEYS, before.revision(), List.copyOf(kvsAt(before)));
            // One watch response: a few keys put or deleted, the last event of a key counting.
            revision++;
            final Map<String, KeyValue> puts = new LinkedHashMap<>();
            final Map<String, String> deletes = new LinkedHashMap<>();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                final String key = randomKey();
                if (random.nextInt(4) == 0) {
                    kvs.remove(key);
                    puts.remove(key);
                    deletes.put(key, key);
                } else {
                    final KeyValue kv = kv(key, valueFor(key), revision);
                    kvs.put(key, kv);
                    deletes.remove(key);
                    puts.put(key, kv);
                }
            }
            history.put(revision, List.copyOf(kvs.values()));
            folded = before.next(KEYS, revision, List.copyOf(puts.values()), List.copyOf(deletes.values()));
            assertSame(folded, ClusterState.of(KEYS, revision, List.copyOf(kvs.values())), "step " + step);
            // The state folded from is handed to readers: the fold must not have changed it.
            assertSame(before, beforeParsed, "the state before step " + step);
        }
    }

    /** Every key at each revision, to parse the state a fold started from again. */
    private final Map<Long, List<KeyValue>> history = new TreeMap<>();

    private List<KeyValue> kvsAt(final ClusterState state) {
        return history.getOrDefault(state.revision(), List.of());
    }

    private static void assertSame(final ClusterState actual, final ClusterState expected, final String when) {
        assertThat(actual.revision()).as(when).isEqualTo(expected.revision());
        assertThat(actual.nodes()).as(when).isEqualTo(expected.nodes());
        assertThat(actual.cordoned()).as(when).isEqualTo(expected.cordoned());
        assertThat(actual.draining()).as(when).isEqualTo(expected.draining());
        assertThat(actual.instances()).as(when).isEqualTo(expected.instances());
        assertThat(actual.orphanMoves()).as(when).isEqualTo(expected.orphanMoves());
        for (final MapInstance instance : expected.instances().values()) {
            assertThat(actual.confirmed(instance)).as(when).isEqualTo(expected.confirmed(instance));
            assertThat(actual.moveConfirmed(instance)).as(when).isEqualTo(expected.moveConfirmed(instance));
            assertThat(actual.reportedPlayers(instance)).as(when).isEqualTo(expected.reportedPlayers(instance));
            assertThat(actual.binding("main", 36, "g" + instance.getInstanceId()))
                    .as(when)
                    .isEqualTo(expected.binding("main", 36, "g" + instance.getInstanceId()));
        }
        for (int n = 0; n < NODES; n++) {
            assertThat(actual.assignedTo("n" + n)).as(when).isEqualTo(expected.assignedTo("n" + n));
        }
        assertThat(actual.cells("main.0")).as(when).isEqualTo(expected.cells("main.0"));
        assertThat(actual.cells("main.1")).as(when).isEqualTo(expected.cells("main.1"));
    }

    private String randomKey() {
        final int n = random.nextInt(NODES);
        final int i = random.nextInt(INSTANCES);
        return switch (random.nextInt(9)) {
            case 8 -> KEYS.cellLayout("main." + random.nextInt(2)).toString();
            case 0 -> KEYS.node("n" + n).toString();
            case 1 -> KEYS.cordon("n" + n).toString();
            case 2 -> KEYS.move("i" + i).toString();
            case 3 -> KEYS.moveStatus("i" + i).toString();
            case 4, 5 -> KEYS.instance("i" + i).toString();
            case 6 -> KEYS.instanceStatus("i" + i).toString();
            default ->
                random.nextBoolean()
                        ? KEYS.binding("main", 36, "gi" + i).toString()
                        : KEYS.root() + "queue/unrelated-" + i;
        };
    }

    private byte[] valueFor(final String key) {
        final String path = key.substring(KEYS.root().length());
        final String id = path.substring(path.indexOf('/') + 1);
        if (path.startsWith("nodes/")) {
            final LoadReport.Builder load = LoadReport.newBuilder();
            for (int i = 0; i < INSTANCES; i++) {
                if (random.nextBoolean()) {
                    load.addMaps(MapLoad.newBuilder().setInstanceId("i" + i).setPlayers(random.nextInt(3)));
                }
            }
            return NodeStatus.newBuilder()
                    .setNode(NodeDescriptor.newBuilder()
                            .setNodeId(id)
                            .setCapacityPlayers(100 + random.nextInt(5))
                            .addPools("continent"))
                    .setLoad(load)
                    .build()
                    .toByteArray();
        } else if (path.startsWith("cordons/")) {
            return (random.nextBoolean() ? ClusterState.DRAINING : "cordoned").getBytes(StandardCharsets.UTF_8);
        } else if (path.startsWith("moves/")) {
            return InstanceMove.newBuilder()
                    .setToNodeId("n" + random.nextInt(NODES))
                    .setPhase(random.nextBoolean() ? MovePhase.MOVE_PHASE_PREPARING : MovePhase.MOVE_PHASE_HANDING_OVER)
                    .setReason("move")
                    .build()
                    .toByteArray();
        } else if (path.startsWith("move-status/") || path.startsWith("instance-status/")) {
            return AssignmentAck.newBuilder()
                    .setInstanceId(id)
                    .setEpoch(revision - random.nextInt(3))
                    .setMoveEpoch(revision - random.nextInt(3))
                    .setState(InstanceState.INSTANCE_STATE_ACTIVE)
                    .build()
                    .toByteArray();
        } else if (path.startsWith("cell-layouts/")) {
            return CellLayout.newBuilder()
                    .setCells(1 + random.nextInt(4))
                    .build()
                    .toByteArray();
        } else if (path.startsWith("instances/")) {
            return MapInstance.newBuilder()
                    .setInstanceId(id)
                    .setMapId(36)
                    .setKind(MapKind.MAP_KIND_DUNGEON)
                    .setRealm("main")
                    .setOwner("g" + id)
                    .setNodeId("n" + random.nextInt(NODES))
                    .setState(InstanceState.INSTANCE_STATE_PENDING)
                    .build()
                    .toByteArray();
        }
        return ("v" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
    }

    private static KeyValue kv(final String key, final byte[] value, final long revision) {
        return new KeyValue(
                io.etcd.jetcd.api.KeyValue.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFrom(value))
                        .setModRevision(revision)
                        .build(),
                ByteSequence.EMPTY);
    }

    @Test
    void aStateKeepsItsIndexesWhenAChangeLeavesTheirMapsAlone() {
        final KeyValue node = kv(
                KEYS.node("n0").toString(),
                NodeStatus.newBuilder()
                        .setNode(NodeDescriptor.newBuilder().setNodeId("n0"))
                        .build()
                        .toByteArray(),
                11);
        final ClusterState first = ClusterState.of(KEYS, 11, List.of(node));
        final ClusterState second =
                first.next(KEYS, 12, List.of(kv(KEYS.root() + "queue/x", new byte[] {1}, 12)), List.of());
        assertThat(second.nodes()).as("an unrelated key shares the nodes").isSameAs(first.nodes());
        assertThat(second.instances()).isSameAs(first.instances());
        assertThat(second.revision()).isEqualTo(12);
        final ClusterState third =
                second.next(KEYS, 13, List.of(), List.of(KEYS.node("n0").toString()));
        assertThat(third.nodes()).isEmpty();
        assertThat(second.nodes()).as("the state folded from is left as it was").containsKey("n0");
        assertThat(new ArrayList<>(third.cordoned())).isEmpty();
    }
}
