package io.realmcluster.tools.localcluster;

import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local cluster's certificates in {@code run/pki}: the realm's CA and one certificate for each
 * process, issued on first start and whenever one is missing (a node added with {@code --nodes}).
 * Server certificates name localhost and 127.0.0.1, where every local process listens.
 */
final class LocalPki {
    static final String DIRECTORY = "pki";
    static final String CONTROLPLANE = "cp-1";
    static final String OPERATOR = "operator";
    /** The servers that are not realm processes; their TLS is turned on by their own start. */
    static final List<String> SERVERS = List.of("etcd", "postgres");

    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1");

    private final Pki pki;

    private LocalPki(final Pki pki) {
        this.pki = pki;
    }

    /** The CA in {@code run/pki}, made if missing, with every certificate the cluster of {@code nodes} needs. */
    static LocalPki ensure(final Path run, final int nodes) throws IOException {
        final LocalPki local = new LocalPki(Pki.at(run.resolve(DIRECTORY)));
        if (!local.pki.initialized()) {
            local.pki.init("local", Pki.CA_VALIDITY);
        }
        local.issueIfMissing(Role.CONTROLPLANE, CONTROLPLANE, HOSTS);
        local.issueIfMissing(Role.OPERATOR, OPERATOR, List.of());
        for (final String server : SERVERS) {
            local.issueIfMissing(Role.SERVER, server, HOSTS);
        }
        for (int i = 1; i <= nodes; i++) {
            local.issueIfMissing(Role.NODE, node(i), HOSTS);
        }
        return local;
    }

    static String node(final int i) {
        return "node-" + i;
    }

    TlsFiles files(final Role role, final String name) {
        return pki.files(role, name);
    }

    Path ca() {
        return pki.caCertificate();
    }

    /** {@code --tls-ca --tls-cert --tls-key} of the process holding {@code role}'s {@code name} certificate. */
    List<String> args(final Role role, final String name) {
        final TlsFiles files = files(role, name);
        return List.of(
                "--tls-ca",
                files.ca().toString(),
                "--tls-cert",
                files.certificate().toString(),
                "--tls-key",
                files.privateKey().toString());
    }

    private void issueIfMissing(final Role role, final String name, final List<String> hosts) throws IOException {
        final TlsFiles files = pki.files(role, name);
        if (!Files.exists(files.certificate()) || !Files.exists(files.privateKey())) {
            pki.issue(role, name, hosts, Pki.VALIDITY);
        }
    }
}
