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
 *
 * <p>etcd has a CA of its own in {@code run/pki/etcd}, with etcd's server certificate and the one
 * client certificate it accepts, the control plane's: a node's or an operator's certificate of the
 * realm's CA does not open etcd, so a stolen one cannot write around the control plane.
 */
public final class LocalPki {
    static final String DIRECTORY = "pki";
    static final String CONTROLPLANE = "cp-1";
    static final String OPERATOR = "operator";
    /** The servers that are not realm processes; their TLS is turned on by their own start. */
    static final List<String> SERVERS = List.of("postgres");
    /** etcd's own CA, beside the realm's. */
    static final String ETCD_DIRECTORY = "etcd";

    static final String ETCD = "etcd";

    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1");

    private final Pki pki;
    private final Pki etcd;

    private LocalPki(final Pki pki, final Pki etcd) {
        this.pki = pki;
        this.etcd = etcd;
    }

    /** The CA in {@code run/pki}, made if missing, with every certificate the cluster of {@code nodes} needs. */
    static LocalPki ensure(final Path run, final int nodes) throws IOException {
        final Path directory = run.resolve(DIRECTORY);
        final LocalPki local = new LocalPki(Pki.at(directory), Pki.at(directory.resolve(ETCD_DIRECTORY)));
        if (!local.pki.initialized()) {
            local.pki.init("local", Pki.CA_VALIDITY);
        }
        if (!local.etcd.initialized()) {
            local.etcd.init("local-etcd", Pki.CA_VALIDITY);
        }
        issueIfMissing(local.etcd, Role.SERVER, ETCD, HOSTS);
        issueIfMissing(local.etcd, Role.CONTROLPLANE, CONTROLPLANE, HOSTS);
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

    /** The operator certificate of the cluster whose run directory is {@code run}, as made by its launcher. */
    public static TlsFiles operator(final Path run) {
        return Pki.at(run.resolve(DIRECTORY)).files(Role.OPERATOR, OPERATOR);
    }

    /** The realm CA's certificate of the cluster whose run directory is {@code run}: what its players trust. */
    public static Path ca(final Path run) {
        return Pki.at(run.resolve(DIRECTORY)).caCertificate();
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

    /** etcd's server certificate, of etcd's own CA (which is also the only CA etcd trusts for clients). */
    TlsFiles etcdServer() {
        return etcd.files(Role.SERVER, ETCD);
    }

    /** {@code --etcd-ca --etcd-cert --etcd-key} of the control plane: its client certificate of etcd's CA. */
    List<String> etcdClientArgs() {
        final TlsFiles files = etcd.files(Role.CONTROLPLANE, CONTROLPLANE);
        return List.of(
                "--etcd-ca",
                files.ca().toString(),
                "--etcd-cert",
                files.certificate().toString(),
                "--etcd-key",
                files.privateKey().toString());
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
        issueIfMissing(pki, role, name, hosts);
    }

    private static void issueIfMissing(final Pki pki, final Role role, final String name, final List<String> hosts)
            throws IOException {
        final TlsFiles files = pki.files(role, name);
        if (!Files.exists(files.certificate()) || !Files.exists(files.privateKey())) {
            pki.issue(role, name, hosts, Pki.VALIDITY);
        }
    }
}
