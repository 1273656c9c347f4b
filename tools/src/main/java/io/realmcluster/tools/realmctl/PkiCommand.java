package io.realmcluster.tools.realmctl;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code realmctl pki}: the realm's certificate authority and the certificates of its processes
 * and operators, as files readable by their owner only. Needs no control plane.
 */
@Command(
        name = "pki",
        mixinStandardHelpOptions = true,
        description = "Make the realm's CA and issue certificates (files readable by their owner only).",
        subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
final class PkiCommand implements Runnable {
    static final String DEFAULT_DIRECTORY = "pki";

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "missing command: init or issue");
    }

    /** {@code realmctl pki init}: a new CA. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Make the realm's CA (ca.crt, ca.key) in DIR; refuses to replace one.")
    static final class Init implements Callable<Integer> {
        @Option(
                names = "--dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_DIRECTORY,
                description = "Where the CA and the certificates it issues are kept (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Option(
                names = "--realm",
                paramLabel = "NAME",
                defaultValue = "main",
                description = "The realm the CA is for, written in its name (default: ${DEFAULT-VALUE}).")
        String realm;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "3650",
                description = "Days the CA is valid (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws IOException {
            positive(days);
            final Pki pki = Pki.at(directory);
            try {
                pki.init(realm, Duration.ofDays(days));
            } catch (final FileAlreadyExistsException e) {
                throw new StartupException(pki.caCertificate() + ": " + e.getReason()
                        + "; issue certificates from it with `realmctl pki issue`");
            }
            final PrintStream out = System.out;
            out.println("ca created for realm " + realm + ", valid " + days + " days:");
            print(out, pki.caCertificate(), directory.resolve(Pki.CA_KEY));
            out.println("keep ca.key secret (offline for a production realm); give ca.crt to every process and player");
            return 0;
        }
    }

    /** {@code realmctl pki issue ROLE NAME}: a certificate of the CA, replacing an earlier one (rotation). */
    @Command(
            name = "issue",
            mixinStandardHelpOptions = true,
            description = {
                "Issue the certificate of a node, an operator, a control-plane replica or a server (etcd, PostgreSQL),",
                "replacing an earlier one of the same role and name: a running process loads it within seconds."
            })
    static final class Issue implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ROLE", description = "node, operator, controlplane or server.")
        String role;

        @Parameters(
                index = "1",
                paramLabel = "NAME",
                description = "Who holds it: the node id (--node-id), the replica id, the operator's or server's name.")
        String name;

        @Option(
                names = "--host",
                paramLabel = "HOST",
                description = "A DNS name or IP address clients dial to reach the holder (repeat for several; "
                        + "default for servers: localhost and 127.0.0.1; operators have none).")
        List<String> hosts;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_DIRECTORY,
                description = "The CA's directory, where the certificate is written (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Option(
                names = "--days",
                paramLabel = "N",
                defaultValue = "365",
                description = "Days the certificate is valid (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws IOException {
            positive(days);
            final Role parsed = Role.parse(role);
            if (parsed == Role.OPERATOR && hosts != null) {
                throw new IllegalArgumentException("an operator's certificate names no host: drop --host");
            }
            final List<String> names =
                    hosts != null ? hosts : parsed.serves() ? List.of("localhost", "127.0.0.1") : List.of();
            final TlsFiles files = Pki.at(directory).issue(parsed, name, names, Duration.ofDays(days));
            final PrintStream out = System.out;
            out.println(parsed.word() + "/" + name + " issued, valid " + days + " days"
                    + (names.isEmpty() ? "" : " for " + String.join(", ", names)) + ":");
            print(out, files.certificate(), files.privateKey());
            out.println("with the CA " + files.ca() + ": --tls-ca " + files.ca() + " --tls-cert " + files.certificate()
                    + " --tls-key " + files.privateKey());
            return 0;
        }
    }

    private static void print(final PrintStream out, final Path... files) throws IOException {
        for (final Path file : files) {
            out.println("  " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "  "
                    + file.toAbsolutePath());
        }
    }

    private static void positive(final int days) {
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1, got " + days);
        }
    }
}
