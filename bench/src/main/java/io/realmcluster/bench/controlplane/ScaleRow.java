package io.realmcluster.bench.controlplane;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** One size's figures. */
record ScaleRow(
        int nodes,
        int perNode,
        int instances,
        double fillSeconds,
        ScaleWindow window,
        Histogram handled,
        int reassigned,
        int closed,
        double failoverPlacedMs,
        double failoverRelinkedMs) {
    static final String HEADER = String.format(
            "%6s %6s %8s | %8s %8s %6s | %9s %9s %9s %7s | %7s %8s | %9s %9s %11s | %9s %9s",
            "nodes",
            "i/node",
            "inst",
            "crt p50",
            "crt p99",
            "fail",
            "etcd w/s",
            "in KiB/s",
            "out KiB/s",
            "db MiB",
            "cpu %",
            "hb/s",
            "dead p50",
            "dead max",
            "moved/closed",
            "fo place",
            "fo relink");
    static final String CSV_HEADER = "nodes,instances_per_node,instances,create_p50_ms,create_p99_ms,create_failed,"
            + "etcd_writes_per_s,etcd_in_kib_per_s,etcd_out_kib_per_s,etcd_db_mib,leader_cpu_percent,"
            + "heartbeats_per_s,dead_node_p50_ms,dead_node_max_ms,dead_reassigned,dead_closed,failover_place_ms,"
            + "failover_relink_ms";

    String line() {
        return String.format(
                Locale.ROOT,
                "%6d %6d %,8d | %8.1f %8.1f %6d | %9.0f %9.0f %9.0f %7.1f | %7.0f %8.0f | %9.0f %9.0f %5d/%-5d | %9.0f %9.0f",
                nodes,
                perNode,
                instances,
                window.creates().getValueAtPercentile(50) / 1000.0,
                window.creates().getValueAtPercentile(99) / 1000.0,
                window.failed(),
                window.writesPerSecond(),
                window.inKiBPerSecond(),
                window.outKiBPerSecond(),
                window.dbMiB(),
                window.leaderCpuPercent(),
                window.heartbeatsPerSecond(),
                handled.getValueAtPercentile(50) / 1000.0,
                handled.getMaxValue() / 1000.0,
                reassigned,
                closed,
                failoverPlacedMs,
                failoverRelinkedMs);
    }

    String csv() {
        return String.join(
                ",",
                List.of(
                        Integer.toString(nodes),
                        Integer.toString(perNode),
                        Integer.toString(instances),
                        fmt(window.creates().getValueAtPercentile(50) / 1000.0),
                        fmt(window.creates().getValueAtPercentile(99) / 1000.0),
                        Integer.toString(window.failed()),
                        fmt(window.writesPerSecond()),
                        fmt(window.inKiBPerSecond()),
                        fmt(window.outKiBPerSecond()),
                        fmt(window.dbMiB()),
                        fmt(window.leaderCpuPercent()),
                        fmt(window.heartbeatsPerSecond()),
                        fmt(handled.getValueAtPercentile(50) / 1000.0),
                        fmt(handled.getMaxValue() / 1000.0),
                        Integer.toString(reassigned),
                        Integer.toString(closed),
                        fmt(failoverPlacedMs),
                        fmt(failoverRelinkedMs)));
    }

    private static String fmt(final double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
