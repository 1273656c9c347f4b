package io.realmcluster.tools;

import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.testkit.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * etcd and PostgreSQL for the process tests as an operator runs them: TLS only, etcd with client
 * certificates, from one CA made once per test JVM; the control planes these tests start get the
 * flags that go with them.
 */
final class StoreTls {
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");
    private static final Certificates FILES = Certificates.make();

    private StoreTls() {}

    /** A TLS etcd with {@code --client-cert-auth}, for {@code @RegisterExtension}. */
    static EtcdExtension etcd() {
        return new EtcdExtension(etcd -> etcd.tls(FILES.etcd.ca(), FILES.etcd.certificate(), FILES.etcd.privateKey()));
    }

    /** A PostgreSQL that accepts TCP over TLS only, for {@code @RegisterExtension}. */
    static PostgresExtension postgresExtension() {
        return new PostgresExtension(StoreTls::tls);
    }

    /** A builder of such a PostgreSQL. */
    static PostgresProcess.Builder postgres() {
        return tls(PostgresProcess.builder());
    }

    private static PostgresProcess.Builder tls(final PostgresProcess.Builder postgres) {
        return postgres.tls(FILES.postgres.ca(), FILES.postgres.certificate(), FILES.postgres.privateKey());
    }

    /** The CA of the database server's certificate, as the binaries take it ({@code --db-ca}). */
    static Path databaseCa() {
        return FILES.postgres.ca();
    }

    /** The control plane's flags for a TLS etcd at {@code endpoint}; none for an http one. */
    static List<String> etcdFlags(final String endpoint) {
        if (!endpoint.startsWith("https://")) {
            return List.of();
        }
        return List.of(
                "--etcd-ca",
                FILES.controlPlane.ca().toString(),
                "--etcd-cert",
                FILES.controlPlane.certificate().toString(),
                "--etcd-key",
                FILES.controlPlane.privateKey().toString());
    }

    /** What a test's own etcd client presents to a TLS etcd at {@code endpoint}: a replica's files; null for http. */
    static TlsFiles etcdClient(final String endpoint) {
        return endpoint.startsWith("https://") ? FILES.controlPlane : null;
    }

    /** The certificates, issued once per JVM into a directory deleted at its exit. */
    private record Certificates(TlsFiles etcd, TlsFiles postgres, TlsFiles controlPlane) {
        static Certificates make() {
            try {
                final Path directory = Files.createTempDirectory("store-tls");
                final Pki pki = Pki.at(directory);
                pki.init("it", Pki.CA_VALIDITY);
                final Certificates files = new Certificates(
                        pki.issue(Role.SERVER, "etcd", LOOPBACK, Pki.VALIDITY),
                        pki.issue(Role.SERVER, "postgres", LOOPBACK, Pki.VALIDITY),
                        pki.issue(Role.CONTROLPLANE, "cp-it", LOOPBACK, Pki.VALIDITY));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(directory), "store-tls-cleanup"));
                return files;
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot make the test realm's certificates", e);
            }
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
}
