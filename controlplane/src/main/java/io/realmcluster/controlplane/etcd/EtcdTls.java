package io.realmcluster.controlplane.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.netty.handler.ssl.SslContext;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.tls.TlsFiles;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * TLS to etcd with a client certificate ({@code etcd --client-cert-auth}): the CA that issued etcd's
 * certificate, whose name must match the endpoint's host, and this replica's certificate and key, all
 * read again from their files every {@link #RELOAD_PERIOD_SECONDS} so that rotation needs no restart
 * (new connections use the new files; open ones keep theirs).
 */
final class EtcdTls implements Closeable {
    static final long RELOAD_PERIOD_SECONDS = 60;

    private final SslContext context;
    private final ScheduledExecutorService reloader;
    private final List<Closeable> watches;

    private EtcdTls(final SslContext context, final ScheduledExecutorService reloader, final List<Closeable> watches) {
        this.context = context;
        this.reloader = reloader;
        this.watches = watches;
    }

    /**
     * Check that the endpoints' schemes agree with {@code tls}: https needs the files, http refuses
     * them, and all endpoints speak the same; a {@link StartupException} saying how to fix it otherwise.
     */
    static void requireMatchingSchemes(final List<URI> endpoints, final TlsFiles tls) {
        if (endpoints.isEmpty()) {
            throw new StartupException("no etcd endpoint given: --etcd needs at least one URL");
        }
        final long secure = endpoints.stream().filter(EtcdTls::isHttps).count();
        for (final URI endpoint : endpoints) {
            final String scheme =
                    endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new StartupException(
                        "etcd endpoint " + endpoint + " needs a scheme: https://HOST:PORT (or http:// without TLS)");
            }
        }
        if (secure != 0 && secure != endpoints.size()) {
            throw new StartupException(
                    "etcd endpoints " + endpoints + " mix http:// and https://: use https:// for all");
        }
        if (secure > 0 && tls == null) {
            throw new StartupException("etcd at " + endpoints + " speaks TLS and wants a client certificate: give "
                    + "--etcd-ca, --etcd-cert and --etcd-key (this replica's certificate, `realmctl pki issue "
                    + "controlplane ID`)");
        }
        if (secure == 0 && tls != null) {
            throw new StartupException("TLS files are given for etcd but " + endpoints + " are http:// URLs: use "
                    + "https:// (etcd with --cert-file and --client-cert-auth), or leave out --etcd-ca, --etcd-cert "
                    + "and --etcd-key");
        }
    }

    private static boolean isHttps(final URI endpoint) {
        return "https".equalsIgnoreCase(endpoint.getScheme());
    }

    /** Read the files and keep reading them; a {@link StartupException} naming the file that cannot be used. */
    static EtcdTls load(final TlsFiles files) {
        files.requireReadable();
        final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(task -> {
            final Thread thread = new Thread(task, "etcd-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            final AdvancedTlsX509KeyManager identity = new AdvancedTlsX509KeyManager();
            final Closeable identityWatch = identity.updateIdentityCredentials(
                    files.certificate().toFile(),
                    files.privateKey().toFile(),
                    RELOAD_PERIOD_SECONDS,
                    TimeUnit.SECONDS,
                    reloader);
            final AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
                    .build();
            final Closeable trustWatch = trust.updateTrustCredentials(
                    files.ca().toFile(), RELOAD_PERIOD_SECONDS, TimeUnit.SECONDS, reloader);
            final SslContext context = GrpcSslContexts.forClient()
                    .keyManager(identity)
                    .trustManager(trust)
                    .build();
            return new EtcdTls(context, reloader, List.of(identityWatch, trustWatch));
        } catch (final IOException | GeneralSecurityException | RuntimeException e) {
            reloader.shutdownNow();
            throw new StartupException(
                    "cannot use the TLS files for etcd (" + files.certificate() + ", " + files.privateKey() + ", "
                            + files.ca() + "): " + e.getMessage(),
                    e);
        }
    }

    SslContext context() {
        return context;
    }

    @Override
    public void close() {
        for (final Closeable watch : watches) {
            try {
                watch.close();
            } catch (final IOException e) {
                // Only stops a scheduled reload; the executor goes below anyway.
            }
        }
        reloader.shutdownNow();
    }
}
