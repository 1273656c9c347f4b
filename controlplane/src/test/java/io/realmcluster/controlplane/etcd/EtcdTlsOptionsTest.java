package io.realmcluster.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.tls.TlsFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which files the control plane speaks TLS to etcd with, from its flags. */
class EtcdTlsOptionsTest {
    private static final List<URI> HTTPS = List.of(URI.create("https://127.0.0.1:2379"));
    private static final List<URI> HTTP = List.of(URI.create("http://127.0.0.1:2379"));
    private static final TlsFiles OWN = new TlsFiles(Path.of("ca.crt"), Path.of("cp.crt"), Path.of("cp.key"));

    @Test
    void noFlagsMeanPlaintextForHttpAndTheProcessCertificateForHttps() {
        final EtcdTlsOptions options = parse();
        assertThat(options.files(HTTP, OWN)).isNull();
        assertThat(options.files(HTTPS, OWN)).isEqualTo(OWN);
        assertThat(options.files(HTTPS, null)).isNull();
    }

    @Test
    void someButNotAllFlagsAreAnError() {
        assertThatThrownBy(() ->
                        parse("--etcd-ca", "ca.crt", "--etcd-cert", "cp.crt").files(HTTPS, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS to etcd needs all of --etcd-ca, --etcd-cert and --etcd-key");
    }

    @Test
    void unreadableFileIsNamed() {
        assertThatThrownBy(() -> parse("--etcd-ca", "no-ca.crt", "--etcd-cert", "cp.crt", "--etcd-key", "cp.key")
                        .files(HTTPS, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read TLS file no-ca.crt");
    }

    private static EtcdTlsOptions parse(final String... args) {
        final EtcdTlsOptions options = new EtcdTlsOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
