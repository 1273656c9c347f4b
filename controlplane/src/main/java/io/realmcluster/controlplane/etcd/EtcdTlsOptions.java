package io.realmcluster.controlplane.etcd;

import io.realmcluster.common.tls.TlsFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The control plane's TLS files for etcd ({@code https://} endpoints, etcd with {@code --client-cert-auth}). */
public final class EtcdTlsOptions {
    @Option(
            names = "--etcd-ca",
            paramLabel = "FILE",
            description =
                    "CA certificate (PEM) that issued etcd's server certificate; with https:// --etcd URLs (default: --tls-ca).")
    Path ca;

    @Option(
            names = "--etcd-cert",
            paramLabel = "FILE",
            description = "This replica's client certificate (PEM) for etcd's --client-cert-auth, issued by the CA "
                    + "of etcd's --trusted-ca-file; reloaded when the file changes (default: --tls-cert).")
    Path certificate;

    @Option(
            names = "--etcd-key",
            paramLabel = "FILE",
            description =
                    "The private key of --etcd-cert (PKCS#8 PEM, readable by its owner only; default: --tls-key).")
    Path privateKey;

    /**
     * The files to speak TLS to etcd with: the three options when given, else {@code processTls} (this
     * replica's own certificate, may be null) when the endpoints are {@code https://}, else null.
     */
    public TlsFiles files(final List<URI> endpoints, final TlsFiles processTls) {
        if (ca == null && certificate == null && privateKey == null) {
            final boolean https = endpoints.stream().anyMatch(uri -> "https".equalsIgnoreCase(uri.getScheme()));
            return https ? processTls : null;
        }
        if (ca == null || certificate == null || privateKey == null) {
            throw new IllegalArgumentException("TLS to etcd needs all of --etcd-ca, --etcd-cert and --etcd-key");
        }
        return new TlsFiles(ca, certificate, privateKey).requireReadable();
    }
}
