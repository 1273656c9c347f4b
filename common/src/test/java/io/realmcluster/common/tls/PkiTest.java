package io.realmcluster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {
    @TempDir
    Path directory;

    @Test
    void issuedCertificateNamesItsHolderAndChainsToTheCa() throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init("main", Pki.CA_VALIDITY);
        final TlsFiles files = pki.issue(Role.NODE, "node-1", List.of("localhost", "127.0.0.1"), Pki.VALIDITY);

        final X509Certificate ca = Pki.readCertificate(files.ca());
        final X509Certificate node = Pki.readCertificate(files.certificate());
        node.verify(ca.getPublicKey());
        node.checkValidity();
        assertThat(PeerIdentity.of(node)).contains(new PeerIdentity(Role.NODE, "node-1"));
        assertThat(node.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(node.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(Pki.readPrivateKey(files.privateKey()).getAlgorithm()).isEqualTo("EC");
        // A tool that is not ours agrees: the chain verifies and the host names are there.
        assertThat(openssl(
                        "verify",
                        "-CAfile",
                        files.ca().toString(),
                        "-purpose",
                        "sslserver",
                        files.certificate().toString()))
                .contains(": OK");
        assertThat(openssl("x509", "-in", files.certificate().toString(), "-noout", "-ext", "subjectAltName"))
                .contains("URI:realmcluster://node/node-1", "DNS:localhost", "IP Address:127.0.0.1");
    }

    @Test
    void operatorCertificatesMayOnlyCall() throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init("main", Pki.CA_VALIDITY);
        final X509Certificate operator = Pki.readCertificate(
                pki.issue(Role.OPERATOR, "alice", List.of(), Pki.VALIDITY).certificate());

        assertThat(operator.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(PeerIdentity.of(operator)).contains(new PeerIdentity(Role.OPERATOR, "alice"));
    }

    @Test
    void everyFileIsReadableByItsOwnerOnly() throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init("main", Pki.CA_VALIDITY);
        final TlsFiles files = pki.issue(Role.CONTROLPLANE, "cp-1", List.of("localhost"), Pki.VALIDITY);

        for (final Path file :
                List.of(files.ca(), directory.resolve(Pki.CA_KEY), files.certificate(), files.privateKey())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.toString())
                    .isEqualTo("rw-------");
        }
        try (var listing = Files.list(directory)) {
            assertThat(listing.map(path -> path.getFileName().toString()))
                    .as("no temporary file is left behind")
                    .containsExactlyInAnyOrder("ca.crt", "ca.key", "controlplane-cp-1.crt", "controlplane-cp-1.key");
        }
    }

    @Test
    void reissuingReplacesTheCertificateAndKeepsTheCa() throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init("main", Pki.CA_VALIDITY);
        final TlsFiles first = pki.issue(Role.NODE, "node-1", List.of("localhost"), Pki.VALIDITY);
        final X509Certificate before = Pki.readCertificate(first.certificate());
        final TlsFiles second = pki.issue(Role.NODE, "node-1", List.of("localhost"), Pki.VALIDITY);

        assertThat(second).isEqualTo(first);
        assertThat(Pki.readCertificate(second.certificate()).getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    }

    @Test
    void aSecondInitIsRefused() throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init("main", Pki.CA_VALIDITY);
        final byte[] ca = Files.readAllBytes(pki.caCertificate());

        assertThatThrownBy(() -> pki.init("main", Pki.CA_VALIDITY)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(pki.caCertificate())).isEqualTo(ca);
    }

    @Test
    void issuingWithoutCaOrWithABadNameSaysWhy() {
        final Pki pki = Pki.at(directory);
        assertThatThrownBy(() -> pki.issue(Role.NODE, "node-1", List.of(), Pki.VALIDITY))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("realmctl pki init");
        assertThatThrownBy(() -> pki.issue(Role.NODE, "../etc/passwd", List.of(), Pki.VALIDITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot name");
    }

    @Test
    void identitiesOfOtherShapesAreNotIdentities() {
        assertThat(PeerIdentity.parse("realmcluster://node/node-1")).contains(new PeerIdentity(Role.NODE, "node-1"));
        assertThat(PeerIdentity.parse("realmcluster://king/node-1")).isEmpty();
        assertThat(PeerIdentity.parse("spiffe://node/node-1")).isEmpty();
        assertThat(PeerIdentity.parse("realmcluster://node/")).isEmpty();
        assertThat(PeerIdentity.parse("realmcluster://node/a/b")).isEmpty();
    }

    private static String openssl(final String... arguments) throws Exception {
        final List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        final Process process =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
