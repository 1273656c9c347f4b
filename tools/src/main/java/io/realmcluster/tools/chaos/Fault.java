package io.realmcluster.tools.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The faults of a chaos run (issue "resilience", docs/architecture.md "A chaos run"). A fault that
 * takes a node away ({@link #faultsNode()}) expects that node's players to come back through Resume;
 * every other fault expects nobody disconnected.
 */
public enum Fault {
    NODE_KILL("SIGKILL of a node", true),
    LEADER_KILL("SIGKILL of the leading control plane", false),
    CONTROLPLANE_PAUSE("SIGSTOP of the leading control plane for the hold, then SIGCONT", false),
    NODE_PAUSE("SIGSTOP of a node past its lease, then SIGCONT", true),
    POSTGRES_PAUSE("PostgreSQL stopped (SIGSTOP of its processes) for the hold, then SIGCONT", false),
    ETCD_KILL("etcd killed (every member), and restarted by the launcher", false),
    ETCD_PAUSE("etcd stopped (SIGSTOP of every member) for the hold, then SIGCONT", false),
    ETCD_MEMBER_KILL("SIGKILL of one etcd member of three (the raft leader), restarted by the launcher", false),
    NODE_PARTITION("a node cut off from the control plane, not from its players (iptables, as root)", true),
    ROLLOUT_RESTART("a rolling restart of every node (drain, stop, start, uncordon), as an operator's", false);

    private final String description;
    private final boolean faultsNode;

    Fault(final String description, final boolean faultsNode) {
        this.description = description;
        this.faultsNode = faultsNode;
    }

    public String description() {
        return description;
    }

    /** Whether the fault takes one node away, whose players are disconnected and must come back. */
    public boolean faultsNode() {
        return faultsNode;
    }

    /** The name on the command line: {@code node-kill}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The fault a label names; a clear error listing the labels otherwise. */
    public static Fault of(final String label) {
        for (final Fault fault : values()) {
            if (fault.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; the faults are "
                + Arrays.stream(values()).map(Fault::label).collect(Collectors.joining(", ")));
    }
}
