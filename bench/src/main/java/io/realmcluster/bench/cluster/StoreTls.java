package io.realmcluster.bench.cluster;

import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.PostgresProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * etcd and PostgreSQL for the benchmarks as an operator runs them, TLS only, etcd with client
 * certificates: a CA of the benchmark's own in a temporary directory (deleted at JVM exit), the
 * stores' certificates, and the control plane's flags to reach them.
 */
public final class StoreTls {
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

    private final TlsFiles etcd;
    private final TlsFiles postgres;
    private final TlsFiles controlPlane;

    private StoreTls(final TlsFiles etcd, final TlsFiles postgres, final TlsFiles controlPlane) {
        this.etcd = etcd;
        this.postgres = postgres;
        this.controlPlane = controlPlane;
    }

    /** Make the CA and issue the certificates. */
    public static StoreTls make() {
        try {
            final Path directory = Files.createTempDirectory("bench-pki");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(directory), "bench-pki-cleanup"));
            final Pki pki = Pki.at(directory);
            pki.init("bench", Pki.CA_VALIDITY);
            return new StoreTls(
                    pki.issue(Role.SERVER, "etcd", LOOPBACK, Pki.VALIDITY),
                    pki.issue(Role.SERVER, "postgres", LOOPBACK, Pki.VALIDITY),
                    pki.issue(Role.CONTROLPLANE, "bench-cp", LOOPBACK, Pki.VALIDITY));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make the benchmark's certificates", e);
        }
    }

    /** An etcd on https that wants a client certificate. */
    public EtcdProcess startEtcd() {
        return EtcdProcess.builder()
                .tls(etcd.ca(), etcd.certificate(), etcd.privateKey())
                .start();
    }

    /** A PostgreSQL that accepts TCP over TLS only. */
    public PostgresProcess startPostgres() {
        return PostgresProcess.builder()
                .tls(postgres.ca(), postgres.certificate(), postgres.privateKey())
                .start();
    }

    /** The control plane's flags to reach {@code etcd} over TLS with its certificate. */
    public List<String> etcdFlags(final EtcdProcess etcd) {
        return List.of(
                "--etcd",
                etcd.endpoint(),
                "--etcd-ca",
                controlPlane.ca().toString(),
                "--etcd-cert",
                controlPlane.certificate().toString(),
                "--etcd-key",
                controlPlane.privateKey().toString());
    }

    /** The control plane's certificate for etcd, for a benchmark that reads etcd itself. */
    public TlsFiles controlPlaneFiles() {
        return controlPlane;
    }

    /** The flags of a control plane or a node to reach {@code postgres} with verify-full. */
    public static List<String> databaseFlags(final PostgresProcess postgres) {
        return List.of(
                "--db-url", postgres.jdbcUrl(), "--db-ca", postgres.serverCa().toString());
    }

    private static void deleteQuietly(final Path directory) {
        try (var paths = Files.list(directory)) {
            paths.forEach(path -> path.toFile().delete());
        } catch (final IOException e) {
            // A temporary directory; the system cleans it eventually.
        }
        directory.toFile().delete();
    }
}
