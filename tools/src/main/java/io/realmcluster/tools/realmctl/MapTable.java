package io.realmcluster.tools.realmctl;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import io.realmcluster.proto.v1.MapInstance;

/** Prints map instances the way {@code realmctl get maps} shows them. */
public final class MapTable {
    private MapTable() {
    }

    public static void print(final List<MapInstance> instances, final PrintStream out) {
        final Table table = new Table("INSTANCE", "MAP", "KIND", "REALM", "NODE", "EPOCH", "STATE", "OWNER");
        for (final MapInstance instance : instances) {
            table.row(instance.getInstanceId(), instance.getMapId(),
                instance.getKind().name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT),
                instance.getRealm(), instance.getNodeId(), instance.getEpoch(),
                instance.getState().name().replace("INSTANCE_STATE_", "").toLowerCase(Locale.ROOT),
                instance.getOwner());
        }
        table.print(out);
    }
}
