package io.realmcluster.common.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The realm's certificate authority in a directory: {@code ca.crt} and {@code ca.key}, and the
 * certificates it issued as {@code ROLE-NAME.crt} and {@code ROLE-NAME.key}. Keys are ECDSA P-256
 * (cheap handshakes, supported by the JDK, BoringSSL, etcd and PostgreSQL); every file is written
 * whole (a reader reloading it never sees half a file) with permissions 0600.
 */
public final class Pki {
    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    /** Default lifetime of the CA. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Default lifetime of an issued certificate. */
    public static final Duration VALIDITY = Duration.ofDays(365);
    /** Certificates start this long before they are made, so that a clock a little behind accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Clock clock;

    private Pki(final Path directory, final Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** The CA kept in {@code directory} (made by {@link #init}). */
    public static Pki at(final Path directory) {
        return new Pki(directory, Clock.systemUTC());
    }

    /** As {@link #at(Path)}, dating certificates by {@code clock}. */
    public static Pki at(final Path directory, final Clock clock) {
        return new Pki(directory, clock);
    }

    public Path directory() {
        return directory;
    }

    public Path caCertificate() {
        return directory.resolve(CA_CERTIFICATE);
    }

    /** True when the directory holds a CA. */
    public boolean initialized() {
        return Files.exists(caCertificate()) && Files.exists(directory.resolve(CA_KEY));
    }

    /**
     * Make the realm's CA; refuses to replace one (every certificate it issued would stop being
     * trusted). {@code realm} names it in its subject.
     */
    public Path init(final String realm, final Duration validity) throws IOException {
        if (Files.exists(caCertificate()) || Files.exists(directory.resolve(CA_KEY))) {
            throw new FileAlreadyExistsException(
                    caCertificate().toString(),
                    null,
                    "a CA is already there; a new one would disown every certificate");
        }
        Files.createDirectories(directory);
        final KeyPair keys = newKeyPair();
        final X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "realm cluster")
                .addRDN(BCStyle.CN, PeerIdentity.requireValidName(realm) + " CA")
                .build();
        final Instant now = clock.instant();
        try {
            final JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            subject,
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(now.plus(validity)),
                            subject,
                            keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            final X509Certificate certificate = sign(builder, keys.getPrivate());
            writeSecret(directory.resolve(CA_KEY), pem(keys.getPrivate()));
            writeSecret(caCertificate(), pem(certificate));
            return caCertificate();
        } catch (final GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the CA: " + e.getMessage(), e);
        }
    }

    /**
     * Issue a certificate naming {@code role} and {@code name} (see {@link PeerIdentity}), valid for
     * {@code hosts} (DNS names or IP addresses a client dials; none for an operator), replacing an
     * earlier one of the same role and name: that is how a certificate is rotated.
     */
    public TlsFiles issue(final Role role, final String name, final List<String> hosts, final Duration validity)
            throws IOException {
        final PeerIdentity identity = new PeerIdentity(role, name);
        if (!initialized()) {
            throw new IOException("no CA in " + directory + "; make one with `realmctl pki init`");
        }
        final X509Certificate ca = readCertificate(caCertificate());
        final PrivateKey caKey = readPrivateKey(directory.resolve(CA_KEY));
        final KeyPair keys = newKeyPair();
        final X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "realm cluster")
                .addRDN(BCStyle.OU, role.word())
                .addRDN(BCStyle.CN, name)
                .build();
        final List<GeneralName> alternatives = new ArrayList<>();
        alternatives.add(new GeneralName(
                GeneralName.uniformResourceIdentifier, identity.uri().toString()));
        for (final String host : hosts) {
            alternatives.add(
                    isAddress(host)
                            ? new GeneralName(GeneralName.iPAddress, host)
                            : new GeneralName(GeneralName.dNSName, host));
        }
        final List<KeyPurposeId> purposes = new ArrayList<>();
        if (role.serves()) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (role.calls()) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        final Instant now = clock.instant();
        try {
            final JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            ca,
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(now.plus(validity)),
                            new X500Name(subject.toString()),
                            keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(
                            Extension.extendedKeyUsage,
                            false,
                            new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])))
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(alternatives.toArray(new GeneralName[0])))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            final X509Certificate certificate = sign(builder, caKey);
            final TlsFiles files = files(role, name);
            // The key first: a process reloading on the certificate's change finds the matching key.
            writeSecret(files.privateKey(), pem(keys.getPrivate()));
            writeSecret(files.certificate(), pem(certificate));
            return files;
        } catch (final GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + identity + ": " + e.getMessage(), e);
        }
    }

    /** Where the certificate of {@code role} and {@code name} is (or would be) kept, with the CA. */
    public TlsFiles files(final Role role, final String name) {
        final String base = role.word() + "-" + PeerIdentity.requireValidName(name);
        return new TlsFiles(caCertificate(), directory.resolve(base + ".crt"), directory.resolve(base + ".key"));
    }

    /** Read the first certificate of a PEM file. */
    public static X509Certificate readCertificate(final Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            final Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (final GeneralSecurityException e) {
            throw new IOException(file + " holds no readable certificate: " + e.getMessage(), e);
        }
    }

    /** Read a PKCS#8 PEM private key. */
    public static PrivateKey readPrivateKey(final Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            final Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no PKCS#8 PEM private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        final ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static boolean isAddress(final String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static String pem(final Object object) throws IOException {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        }
        return text.toString();
    }

    /** Write {@code text} to {@code file} whole and readable by its owner only. */
    static void writeSecret(final Path file, final String text) throws IOException {
        final Path temporary = Files.createTempFile(
                file.toAbsolutePath().getParent(),
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (final AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
