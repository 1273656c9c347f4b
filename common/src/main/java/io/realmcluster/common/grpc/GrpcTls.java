package io.realmcluster.common.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's TLS for gRPC: one key manager (its certificate) and one trust manager (the realm's
 * CA), read again from their files when they change (looked at every refresh period), so that a
 * rotated certificate is used by new connections without a restart. Servers and channels take
 * their credentials from here; a null {@code GrpcTls} everywhere means {@code --insecure-plaintext}.
 */
public final class GrpcTls implements AutoCloseable {
    /** How often certificate files are looked at for a change. */
    public static final Duration REFRESH = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(GrpcTls.class);

    private final TlsFiles files;
    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager clientTrust;
    private final AdvancedTlsX509TrustManager serverTrust;
    private final ScheduledExecutorService reloads;
    private volatile PeerIdentity identity;
    /** Modification times of the files last loaded (ca, certificate, key); written by the reload thread only. */
    private final FileTime[] loaded = new FileTime[3];

    private GrpcTls(final TlsFiles files, final boolean ownCertificate) throws GeneralSecurityException {
        this.files = files;
        this.keys = ownCertificate ? new AdvancedTlsX509KeyManager() : null;
        // Clients check the server's host name; servers check no host (the identity is checked per service).
        this.clientTrust = trust(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION);
        this.serverTrust = trust(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION);
        this.reloads = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "tls-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@link #load(TlsFiles)}, or null (plaintext) when {@code files} is null. */
    public static GrpcTls orPlaintext(final TlsFiles files) {
        return files == null ? null : load(files);
    }

    /** TLS with this process's certificate, looked at every {@link #REFRESH}. */
    public static GrpcTls load(final TlsFiles files) {
        return load(files, REFRESH);
    }

    /**
     * TLS with this process's certificate and key and the realm's CA from {@code files}, looked at
     * every {@code refresh}; a one-line {@code IllegalArgumentException} naming the files that
     * cannot be used otherwise.
     */
    public static GrpcTls load(final TlsFiles files, final Duration refresh) {
        files.requireReadable();
        return start(files, true, refresh);
    }

    /**
     * TLS that verifies servers against the realm's CA {@code ca} and presents no certificate: a
     * player's (a bot's) channel to the public Login listener.
     */
    public static GrpcTls trusting(final Path ca) {
        return start(new TlsFiles(ca, null, null), false, REFRESH);
    }

    private static GrpcTls start(final TlsFiles files, final boolean ownCertificate, final Duration refresh) {
        GrpcTls tls = null;
        try {
            tls = new GrpcTls(files, ownCertificate);
            tls.reload();
            final GrpcTls started = tls;
            tls.reloads.scheduleWithFixedDelay(
                    started::reloadQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
            return tls;
        } catch (final IOException | GeneralSecurityException | RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw new IllegalArgumentException(
                    "cannot use the TLS files " + describe(files) + ": " + e.getMessage()
                            + " (make them with `realmctl pki init` and `realmctl pki issue`)",
                    e);
        }
    }

    /** The identity this process's certificate names now (null when it holds none). */
    public PeerIdentity identity() {
        return identity;
    }

    /**
     * Refuse to start with a certificate that does not name {@code expected}: a one-line error
     * saying whose certificate it is and which one to issue.
     */
    public GrpcTls requireIdentity(final PeerIdentity expected) {
        if (!expected.equals(identity)) {
            throw new IllegalArgumentException("the TLS certificate " + files.certificate() + " names "
                    + describe(identity) + " but this process is " + expected + "; issue its own with `realmctl pki "
                    + "issue " + expected.role().word() + " " + expected.name() + "`");
        }
        return this;
    }

    /** As {@link #requireIdentity}, for any name of {@code role}. */
    public GrpcTls requireRole(final Role role) {
        if (identity == null || identity.role() != role) {
            throw new IllegalArgumentException("the TLS certificate " + files.certificate() + " names "
                    + describe(identity) + " but this process needs one of role " + role.word()
                    + "; issue it with `realmctl pki issue " + role.word() + " NAME`");
        }
        return this;
    }

    /** Credentials of a server that requires a certificate of the realm's CA from every client (mutual TLS). */
    public ServerCredentials mutualServer() {
        return TlsServerCredentials.newBuilder()
                .keyManager(requireKeys())
                .trustManager(serverTrust)
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    /** Credentials of a server that anyone may call (players): TLS with this process's certificate, no client's. */
    public ServerCredentials publicServer() {
        return TlsServerCredentials.newBuilder().keyManager(requireKeys()).build();
    }

    /** Credentials of a channel: verifies the server (its certificate and host name) and presents ours if any. */
    public ChannelCredentials channel() {
        final TlsChannelCredentials.Builder builder =
                TlsChannelCredentials.newBuilder().trustManager(clientTrust);
        if (keys != null) {
            builder.keyManager(keys);
        }
        return builder.build();
    }

    /** {@link #mutualServer()}, or plaintext when {@code tls} is null. */
    public static ServerCredentials mutualServer(final GrpcTls tls) {
        return tls == null ? InsecureServerCredentials.create() : tls.mutualServer();
    }

    /** {@link #publicServer()}, or plaintext when {@code tls} is null. */
    public static ServerCredentials publicServer(final GrpcTls tls) {
        return tls == null ? InsecureServerCredentials.create() : tls.publicServer();
    }

    /** {@link #channel()}, or plaintext when {@code tls} is null. */
    public static ChannelCredentials channel(final GrpcTls tls) {
        return tls == null ? InsecureChannelCredentials.create() : tls.channel();
    }

    @Override
    public void close() {
        reloads.shutdownNow();
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (final IOException | GeneralSecurityException | RuntimeException e) {
            // The files are being replaced, or were replaced by something unusable: keep what works.
            LOG.warn("cannot reload TLS files {}, keeping the ones loaded: {}", describe(files), e.getMessage());
        }
    }

    /** Load what changed since the last load: the CA, or the certificate and its key together. */
    private void reload() throws IOException, GeneralSecurityException {
        final FileTime ca = Files.getLastModifiedTime(files.ca());
        if (!ca.equals(loaded[0])) {
            final X509Certificate[] trusted = {Pki.readCertificate(files.ca())};
            clientTrust.updateTrustCredentials(trusted);
            serverTrust.updateTrustCredentials(trusted);
            logReload(loaded[0], files.ca());
            loaded[0] = ca;
        }
        if (keys == null) {
            return;
        }
        final FileTime certificateTime = Files.getLastModifiedTime(files.certificate());
        final FileTime keyTime = Files.getLastModifiedTime(files.privateKey());
        if (certificateTime.equals(loaded[1]) && keyTime.equals(loaded[2])) {
            return;
        }
        final X509Certificate certificate = Pki.readCertificate(files.certificate());
        final PrivateKey key = Pki.readPrivateKey(files.privateKey());
        requirePair(certificate, key);
        keys.updateIdentityCredentials(new X509Certificate[] {certificate}, key);
        identity = PeerIdentity.of(certificate).orElse(null);
        logReload(loaded[1], files.certificate());
        loaded[1] = certificateTime;
        loaded[2] = keyTime;
    }

    private static void logReload(final FileTime before, final Path file) {
        if (before != null) {
            LOG.info("reloaded TLS file {}: new connections use it", file);
        }
    }

    /** A key written before its certificate (or a stray file) must not be served with the wrong certificate. */
    private static void requirePair(final X509Certificate certificate, final PrivateKey key)
            throws GeneralSecurityException {
        final byte[] probe = "realm-tls-key-check".getBytes(StandardCharsets.US_ASCII);
        final String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        final Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        final byte[] signature = signer.sign();
        final Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    private AdvancedTlsX509KeyManager requireKeys() {
        if (keys == null) {
            throw new IllegalStateException("a server needs its own certificate: give --tls-cert and --tls-key");
        }
        return keys;
    }

    private static AdvancedTlsX509TrustManager trust(final AdvancedTlsX509TrustManager.Verification verification)
            throws GeneralSecurityException {
        return AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(verification)
                .build();
    }

    private static String describe(final TlsFiles files) {
        return files.certificate() == null
                ? files.ca().toString()
                : files.certificate() + ", " + files.privateKey() + " and " + files.ca();
    }

    private static String describe(final PeerIdentity identity) {
        return identity == null ? "no realm identity (it was not issued by `realmctl pki issue`)" : identity.toString();
    }
}
