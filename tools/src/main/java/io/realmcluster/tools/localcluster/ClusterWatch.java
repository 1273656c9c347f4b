package io.realmcluster.tools.localcluster;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.tools.realmctl.AdminClient;
import io.realmcluster.tools.realmctl.MapTable;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The launcher's calls to the control plane's Admin API, each with a short deadline, none of them
 * fatal: a control plane that answers late or not at all (two hundred bots logging in at once, a
 * restart) is asked again, and the cluster runs on. Only the startup waits end, at their own deadline.
 */
final class ClusterWatch implements AutoCloseable {
    static final long READY_DEADLINE_MS = 120_000;
    private static final long CALL_DEADLINE_MS = 2_000;
    private static final long RETRY_PAUSE_MS = 200;

    private final List<String> realms;
    private final AdminClient admin;
    /** The matches seen so far, on the launcher's main thread; read by the summary at the stop. */
    private final MatchWatch matches = new MatchWatch();

    ClusterWatch(final HostPort controlPlane, final TlsFiles operator, final List<String> realms) {
        this.realms = realms;
        this.admin = new AdminClient(List.of(controlPlane), CALL_DEADLINE_MS, operator);
    }

    MatchWatch matches() {
        return matches;
    }

    /** Whether {@code nodeId} registered at or after {@code sinceMillis}: a restarted node's new session. */
    boolean registeredSince(final String nodeId, final long sinceMillis) {
        return admin.listNodes().getNodesList().stream()
                .anyMatch(n -> n.getNode().getNodeId().equals(nodeId) && n.getRegisteredAtUnixMs() >= sinceMillis);
    }

    /** The registered nodes, as the control plane answers now (a failure if it does not). */
    ListNodesResponse nodes() {
        return admin.listNodes();
    }

    /** Wait until the control plane answers and lists at least {@code expected} nodes. */
    ListNodesResponse awaitNodes(final int expected) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + READY_DEADLINE_MS;
        String lastError = "no answer yet";
        while (System.currentTimeMillis() < deadline) {
            try {
                final ListNodesResponse response = admin.listNodes();
                if (response.getNodesCount() >= expected) {
                    return response;
                }
                lastError = response.getNodesCount() + " of " + expected + " nodes registered";
            } catch (final StartupException e) {
                lastError = e.getMessage();
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
        throw new StartupException("the cluster did not come up within " + READY_DEADLINE_MS / 1000 + " s: " + lastError
                + "; the logs are in the run directory's logs/");
    }

    /** Wait until the nodes report {@code expected} players (or the deadline); the players they report. */
    int awaitPlayers(final int expected) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + READY_DEADLINE_MS;
        int players = 0;
        while (true) {
            try {
                players = admin.listNodes().getNodesList().stream()
                        .mapToInt(n -> n.getLoad().getPlayers())
                        .sum();
            } catch (final StartupException e) {
                // A busy machine: a call past its deadline is asked again until the wait's own deadline.
            }
            if (players >= expected || System.currentTimeMillis() > deadline) {
                return players;
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
    }

    /** Wait until every continent of every realm runs, confirmed by its node; what there is after the deadline. */
    List<MapInstance> awaitContinents() throws InterruptedException {
        final long deadline = System.currentTimeMillis() + READY_DEADLINE_MS;
        List<MapInstance> instances = List.of();
        while (true) {
            try {
                instances = admin.listMapInstances("").getInstancesList();
            } catch (final StartupException e) {
                // As above: asked again until the wait's deadline, then what there is is shown.
            }
            final boolean allActive = !instances.isEmpty()
                    && instances.stream().allMatch(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                    && instances.stream()
                                    .map(MapInstance::getRealm)
                                    .collect(Collectors.toSet())
                                    .size()
                            == realms.size();
            if (allActive || System.currentTimeMillis() > deadline) {
                return instances;
            }
            Thread.sleep(RETRY_PAUSE_MS / 2);
        }
    }

    /** Put the battlegroup, asked again while the control plane does not answer, until the startup deadline. */
    void awaitBattlegroup(final String name) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + READY_DEADLINE_MS;
        while (true) {
            try {
                admin.putBattlegroup(name, realms);
                return;
            } catch (final StartupException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new StartupException(
                            "cannot set battlegroup " + name + " within " + READY_DEADLINE_MS / 1000 + " s: "
                                    + e.getMessage(),
                            e);
                }
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
    }

    /** The maps with their players and the players per realm, or a line saying the control plane did not answer. */
    void showMaps(final PrintStream out) {
        try {
            final List<MapInstance> maps = admin.listMapInstances("").getInstancesList();
            final List<NodeStatus> nodeStatuses = admin.listNodes().getNodesList();
            MapTable.print(maps, MapTable.loads(nodeStatuses), out);
            out.println();
            out.println("local-cluster: players per realm: " + playersPerRealm(realms, maps, nodeStatuses));
        } catch (final RuntimeException e) {
            // The table is only a view, and the cluster runs on: it once stopped the whole cluster here.
            out.println("local-cluster: no map table this time (the control plane did not answer: " + e.getMessage()
                    + "); try bin/realmctl get maps");
        }
    }

    /** Print a line for each match that popped or ended since the last look. */
    void showMatches(final PrintStream out) {
        try {
            matches.update(admin.listMatches().getMatchesList()).forEach(out::println);
        } catch (final RuntimeException e) {
            // The control plane is busy or restarting: the next look tries again.
        }
    }

    /** Print the maps with their players when the instances or their nodes differ from {@code shown}; the set now. */
    Set<String> showMapsIfChanged(final Set<String> shown, final PrintStream out) {
        try {
            final List<MapInstance> maps = admin.listMapInstances("").getInstancesList();
            final Set<String> now = maps.stream()
                    .map(i -> i.getInstanceId() + "@" + i.getNodeId())
                    .collect(Collectors.toSet());
            if (!now.equals(shown) && !shown.isEmpty()) {
                out.println("local-cluster: map instances opened, closed or moved; players and tick p99 per map:");
                out.println();
                MapTable.print(maps, MapTable.loads(admin.listNodes().getNodesList()), out);
                out.println();
            }
            return now;
        } catch (final RuntimeException e) {
            // The control plane is busy or restarting: look again later.
            return shown;
        }
    }

    /** Players each realm has in the world, as the nodes report them per instance: "main 10, second 10". */
    static String playersPerRealm(
            final List<String> realms, final List<MapInstance> maps, final List<NodeStatus> nodeStatuses) {
        final Map<String, String> realmOf = new HashMap<>();
        maps.forEach(instance -> realmOf.put(instance.getInstanceId(), instance.getRealm()));
        final Map<String, Integer> players = new TreeMap<>();
        realms.forEach(realm -> players.put(realm, 0));
        for (final NodeStatus node : nodeStatuses) {
            for (final MapLoad load : node.getLoad().getMapsList()) {
                final String realm = realmOf.get(load.getInstanceId());
                if (realm != null) {
                    players.merge(realm, load.getPlayers(), Integer::sum);
                }
            }
        }
        return players.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        admin.close();
    }
}
