package io.realmcluster.tools.localcluster;

import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.EtcdProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The local cluster's etcd: one member, or three, of which any two keep the realm going while the third is
 * down. A single etcd is named {@code etcd} and keeps its data in {@code RUN/etcd}, as before members
 * existed; members are {@code etcd-1..etcd-3}, in {@code RUN/etcd-1..3}, on {@link LocalPorts}' member
 * ports. Clients speak TLS with etcd's server certificate, which names 127.0.0.1, where every member
 * listens; members speak to each other in plaintext on loopback.
 *
 * @param members 1 or 3: two members would stop with either one, and five are more than a laptop carries
 */
public record LocalEtcd(int members) {
    static final String NAME = "etcd";
    /** Tells this cluster's members from another's that once used the same ports. */
    private static final String CLUSTER_TOKEN = "realm-local-cluster";

    public LocalEtcd {
        if (members != 1 && members != 3) {
            throw new IllegalArgumentException("--etcd-members must be 1 or 3, got " + members);
        }
    }

    /** Member {@code member}'s name (from 1), that of its pid file and of the supervisor's lines. */
    public String name(final int member) {
        return members == 1 ? NAME : NAME + "-" + member;
    }

    /** Every member's name, in order. */
    public List<String> names() {
        return IntStream.rangeClosed(1, members).mapToObj(this::name).toList();
    }

    /** Where member {@code member} keeps its data and log. */
    Path directory(final Path run, final int member) {
        return run.resolve(name(member));
    }

    /**
     * Fails when {@code run} holds the other layout's etcd data: the realm's state is there, and members
     * started empty beside it would lose it (while PostgreSQL remembers it).
     */
    void requireLayoutOf(final Path run) {
        final LocalEtcd other = new LocalEtcd(members == 1 ? 3 : 1);
        final Path data = other.directory(run, 1).resolve("data");
        if (Files.isDirectory(data)) {
            throw new IllegalArgumentException(run + " holds the data of " + other.describe() + " (" + data
                    + "); run with --etcd-members " + other.members + ", or add --fresh to start the realm anew");
        }
    }

    /** "a single etcd" or "3 etcd members (etcd-1, etcd-2, etcd-3)". */
    String describe() {
        return members == 1 ? "a single etcd" : members + " etcd members (" + String.join(", ", names()) + ")";
    }

    /** What the launcher starts: "etcd on 127.0.0.1:2479 (TLS, data in RUN/etcd)", or the members'. */
    String describe(final Path run, final LocalPorts ports) {
        final String clients = IntStream.rangeClosed(1, members)
                .mapToObj(member -> Integer.toString(ports.etcdClient(member)))
                .collect(Collectors.joining(", "));
        final String data = IntStream.rangeClosed(1, members)
                .mapToObj(member -> directory(run, member).toString())
                .collect(Collectors.joining(", "));
        return members == 1
                ? NAME + " on 127.0.0.1:" + clients + " (TLS, data in " + data + ")"
                : members + " etcd members " + String.join(", ", names()) + " on 127.0.0.1:" + clients
                        + " (TLS; plaintext between members, on loopback; data in " + data + ")";
    }

    /** Start every member, kept data and TLS clients, and wait until each is healthy. */
    List<EtcdProcess> start(final Path run, final LocalPorts ports, final TlsFiles certificate) {
        final Map<String, Integer> peers = new LinkedHashMap<>();
        for (int member = 1; member <= members; member++) {
            peers.put(name(member), ports.etcdPeer(member));
        }
        final List<EtcdProcess.Builder> builders = IntStream.rangeClosed(1, members)
                .mapToObj(member -> {
                    final EtcdProcess.Builder builder = EtcdProcess.builder()
                            .tls(certificate.ca(), certificate.certificate(), certificate.privateKey())
                            .clientPort(ports.etcdClient(member))
                            .peerPort(ports.etcdPeer(member))
                            .metricsPort(ports.etcdMetrics(member))
                            .dataDirectory(directory(run, member))
                            .keepDataDirectory(true)
                            .stopOnJvmExit(false)
                            .autoCompaction("1h");
                    return members == 1 ? builder : builder.member(name(member), peers, CLUSTER_TOKEN);
                })
                .toList();
        return members == 1 ? List.of(builders.get(0).start()) : EtcdProcess.startCluster(builders);
    }

    /** The control plane's {@code --etcd}: every member's client URL. */
    static String endpoints(final List<EtcdProcess> started) {
        return started.stream().map(EtcdProcess::endpoint).collect(Collectors.joining(","));
    }
}
