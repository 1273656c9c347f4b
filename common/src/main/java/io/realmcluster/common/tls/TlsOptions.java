package io.realmcluster.common.tls;

import java.nio.file.Path;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

/**
 * The TLS options of every binary, mixed in with {@code @Mixin}: the realm's CA and this process's
 * certificate and key, or {@code --insecure-plaintext} to speak without TLS (a warning at start).
 */
public final class TlsOptions {

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            defaultValue = "${env:REALM_TLS_CA}",
            description = "The realm's CA certificate (PEM): only peers holding a certificate it issued are trusted "
                    + "(default: $REALM_TLS_CA).")
    Path ca;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            defaultValue = "${env:REALM_TLS_CERT}",
            description = "This process's certificate (PEM), issued by the realm's CA with `realmctl pki issue`; "
                    + "reloaded when the file changes (default: $REALM_TLS_CERT).")
    Path certificate;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            defaultValue = "${env:REALM_TLS_KEY}",
            description = "The private key of --tls-cert (PKCS#8 PEM, readable by its owner only); reloaded with it "
                    + "(default: $REALM_TLS_KEY).")
    Path privateKey;

    @Option(
            names = "--insecure-plaintext",
            description = "Speak without TLS: anyone who reaches a port is trusted and everything travels in clear "
                    + "text. For a test on one machine only.")
    boolean plaintext;

    /** True when the process was told to speak without TLS. */
    public boolean plaintext() {
        return plaintext;
    }

    /**
     * The files to speak TLS with, or null with {@code --insecure-plaintext}; a one-line error
     * naming what is missing otherwise.
     */
    public TlsFiles files() {
        if (plaintext) {
            if (ca != null || certificate != null || privateKey != null) {
                throw new IllegalArgumentException("--insecure-plaintext and --tls-* options exclude each other");
            }
            return null;
        }
        if (ca == null || certificate == null || privateKey == null) {
            throw new IllegalArgumentException(
                    "TLS needs --tls-ca, --tls-cert and --tls-key (make them with `realmctl pki init` and "
                            + "`realmctl pki issue`), or --insecure-plaintext to run without TLS");
        }
        return new TlsFiles(ca, certificate, privateKey).requireReadable();
    }

    /** Say loudly, once at start, that this process runs without TLS. */
    public void warnIfPlaintext(final Logger log, final String process) {
        if (plaintext) {
            log.warn(
                    "{} runs with --insecure-plaintext: no TLS, so no caller has an identity and no rule on who may "
                            + "call what is applied; anyone who reaches its ports is trusted and everything travels in "
                            + "clear text",
                    process);
        }
    }
}
