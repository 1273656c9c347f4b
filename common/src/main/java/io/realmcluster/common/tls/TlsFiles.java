package io.realmcluster.common.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a process speaks TLS with: the realm's CA certificate (whom it trusts), its own
 * certificate and private key (who it is). Read again when they change, so rotation needs no restart.
 */
public record TlsFiles(Path ca, Path certificate, Path privateKey) {

    /** A one-line error naming the first file that is missing. */
    public TlsFiles requireReadable() {
        for (final Path file : new Path[] {ca, certificate, privateKey}) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read TLS file " + file
                        + " (make the realm's certificates with `realmctl pki init` and `realmctl pki issue`)");
            }
        }
        return this;
    }
}
