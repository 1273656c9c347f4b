package io.realmcluster.dataplane.net;

import io.netty.channel.Channel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.tls.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * TLS on the game-client port: the node's certificate presented to players (who hold none), read
 * again by the {@code client-tls-reload} thread when its files change and swapped in whole, so
 * that new connections get the new one and open ones keep theirs. OpenSSL (BoringSSL, through
 * netty-tcnative) where it loads, else the JDK's.
 */
public final class ClientTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTls.class);
    /** How long a client has to finish its handshake; past it the connection is closed and counted. */
    static final long HANDSHAKE_DEADLINE_MILLIS = 5_000;
    /** How often the certificate's files are looked at. */
    public static final Duration RELOAD_EVERY = Duration.ofSeconds(2);

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private final Path certificateFile;
    private final Path keyFile;
    private final SslProvider provider;
    private final TlsHandshakes handshakes;
    private final ScheduledExecutorService reloads;
    /** What new connections get; written by the reload thread only. */
    private volatile SslContext context;
    /** The certificate new connections get. */
    private volatile X509Certificate served;

    // The reload thread's: the files' contents in use, and the last contents that did not load.
    private byte[] certificateBytes;
    private byte[] keyBytes;
    private byte[] failedCertificate;
    private byte[] failedKey;
    /** Checks in a row that found {@link #failedCertificate} and {@link #failedKey}. */
    private int failedChecks;

    private ClientTls(
            final Path certificateFile,
            final Path keyFile,
            final SslProvider provider,
            final TlsHandshakes handshakes,
            final Duration reloadEvery) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.provider = provider;
        this.handshakes = handshakes;
        final String failure = reload();
        if (failure != null) {
            throw new IllegalArgumentException("cannot serve game clients over TLS: " + failure);
        }
        if (reloadEvery.isZero()) {
            reloads = null;
        } else {
            reloads = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("client-tls-reload", true));
            reloads.scheduleWithFixedDelay(
                    this::reloadQuietly, reloadEvery.toMillis(), reloadEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Serve with the certificate and key of {@code files} (its CA is the clients' concern), looked
     * at every {@link #RELOAD_EVERY}, with the faster provider here; handshakes counted in {@code registry}.
     */
    public static ClientTls start(final TlsFiles files, final PrometheusRegistry registry) {
        return start(files.certificate(), files.privateKey(), preferredProvider(), registry, RELOAD_EVERY);
    }

    /** The same with a given provider and reload period (zero: never reloaded but by {@link #reloadIfChanged}). */
    public static ClientTls start(
            final Path certificate,
            final Path privateKey,
            final SslProvider provider,
            final PrometheusRegistry registry,
            final Duration reloadEvery) {
        return new ClientTls(certificate, privateKey, provider, new TlsHandshakes(registry), reloadEvery);
    }

    /**
     * OpenSSL (BoringSSL) when netty-tcnative loads here, which handshakes and encrypts faster than
     * the JDK (bench/RESULTS.md, "TLS for game clients"); the JDK's otherwise, said once.
     */
    public static SslProvider preferredProvider() {
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        LOG.info(
                "OpenSSL (netty-tcnative) is not available here ({}): game clients' TLS uses the JDK's provider",
                OpenSsl.unavailabilityCause() == null
                        ? "no reason given"
                        : OpenSsl.unavailabilityCause().toString());
        return SslProvider.JDK;
    }

    public SslProvider provider() {
        return provider;
    }

    /**
     * True when the certificate served now names {@code host} (a DNS name or an IP address, as
     * clients dial it; wildcards are not matched): a client that dials a host it does not name refuses the node.
     */
    public boolean names(final String host) {
        try {
            final Collection<List<?>> names = served.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            for (final List<?> name : names) {
                final Object value = name.get(1);
                if ((Integer.valueOf(DNS_NAME).equals(name.get(0)) && host.equalsIgnoreCase(String.valueOf(value)))
                        || (Integer.valueOf(IP_ADDRESS).equals(name.get(0))
                                && sameAddress(host, String.valueOf(value)))) {
                    return true;
                }
            }
            return false;
        } catch (final CertificateParsingException e) {
            return false;
        }
    }

    private static boolean sameAddress(final String host, final String address) {
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            // Literals only: neither side is looked up in DNS.
            return InetAddress.getByName(host).equals(InetAddress.getByName(address));
        } catch (final UnknownHostException e) {
            return false;
        }
    }

    /**
     * The first handler of a new client connection: TLS with the certificate of the moment, the
     * handshake bounded by {@link #HANDSHAKE_DEADLINE_MILLIS}. {@link #watch()} goes right behind it.
     */
    public SslHandler newHandler(final Channel channel) {
        final SslHandler handler = context.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(HANDSHAKE_DEADLINE_MILLIS);
        return handler;
    }

    /** The handler that counts and logs how handshakes end, placed right behind {@link #newHandler}. */
    TlsHandshakes watch() {
        return handshakes;
    }

    /**
     * Read the files and, when they changed and hold a certificate with its key, serve it to new
     * connections; true when it did. The reload thread's (tests call it directly, never alongside it).
     */
    boolean reloadIfChanged() {
        final SslContext before = context;
        reloadQuietly();
        return context != before;
    }

    private void reloadQuietly() {
        try {
            final String failure = reload();
            if (failure != null) {
                LOG.warn(
                        "cannot load the game-client TLS certificate {} with key {}: {}; new connections keep the "
                                + "previous one until the files are fixed",
                        certificateFile,
                        keyFile,
                        failure);
            }
        } catch (final RuntimeException e) {
            LOG.warn("reloading the game-client TLS certificate failed", e);
        }
    }

    /**
     * Load the files if they changed. Why they cannot be loaded at start, or when the same contents
     * fail a second time in a row (once is a rotation caught between its key and its certificate);
     * null otherwise, so that files left broken are reported once.
     */
    private String reload() {
        final byte[] certificate;
        final byte[] key;
        try {
            certificate = Files.readAllBytes(certificateFile);
            key = Files.readAllBytes(keyFile);
        } catch (final IOException e) {
            return context == null ? "cannot read " + e.getMessage() : null;
        }
        if (Arrays.equals(certificate, certificateBytes) && Arrays.equals(key, keyBytes)) {
            return null;
        }
        try {
            final X509Certificate[] chain = certificates(certificate);
            final PrivateKey privateKey = privateKey(key);
            requireMatch(privateKey, chain[0].getPublicKey());
            context = SslContextBuilder.forServer(privateKey, chain)
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .build();
            final boolean rotated = served != null;
            served = chain[0];
            certificateBytes = certificate;
            keyBytes = key;
            failedCertificate = null;
            failedKey = null;
            failedChecks = 0;
            // The first load is said by the node's start line; a node that cannot start says only why.
            LOG.atLevel(rotated ? Level.INFO : Level.DEBUG)
                    .log(
                            "game clients get the TLS certificate of {} (valid until {}) from new connections on; {} "
                                    + "provider",
                            chain[0].getSubjectX500Principal().getName(),
                            chain[0].getNotAfter().toInstant(),
                            provider);
            handshakes.reloaded();
            return null;
        } catch (final IOException | GeneralSecurityException | RuntimeException e) {
            if (Arrays.equals(certificate, failedCertificate) && Arrays.equals(key, failedKey)) {
                failedChecks++;
            } else {
                failedCertificate = certificate;
                failedKey = key;
                failedChecks = 1;
            }
            return context == null || failedChecks == 2 ? e.getMessage() : null;
        }
    }

    private X509Certificate[] certificates(final byte[] pem) throws GeneralSecurityException {
        final Collection<? extends Certificate> read =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        if (read.isEmpty()) {
            throw new GeneralSecurityException(certificateFile + " holds no PEM certificate");
        }
        return read.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    private PrivateKey privateKey(final byte[] pem) throws IOException {
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            final Object read = parser.readObject();
            final JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (read instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(keyFile + " holds no PEM private key");
        }
    }

    /** A key that does not sign for the certificate is a rotation caught halfway, or a wrong file. */
    private void requireMatch(final PrivateKey key, final PublicKey certified) throws GeneralSecurityException {
        final String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        final byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        final Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        final byte[] signature = signer.sign();
        final Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certified);
        verifier.update(challenge);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException(
                    "the key in " + keyFile + " is not the key of the certificate in " + certificateFile);
        }
    }

    @Override
    public void close() {
        if (reloads != null) {
            reloads.shutdownNow();
        }
    }
}
