package io.realmcluster.tools.realmctl;

import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.cli.StartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code realmctl token-key init --dir DIR}: the key pair that signs and verifies session tokens. */
@Command(
        name = "token-key",
        mixinStandardHelpOptions = true,
        description = "Session-token keys: the control plane signs with token.key, nodes verify with token.pub.",
        subcommands = TokenKeyCommand.Init.class)
final class TokenKeyCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing command: init");
    }

    /** {@code realmctl token-key init --dir DIR}: a new Ed25519 key pair, written where no key is yet. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Write a new Ed25519 key pair: DIR/token.key (mode 0600, for --token-key-file) and "
                    + "DIR/token.pub (for the nodes' --token-public-keys).",
            footer = {
                "",
                "Rotation: make the new pair in another directory, restart the nodes with",
                "--token-public-keys NEW/token.pub,OLD/token.pub, then the control planes with",
                "--token-key-file NEW/token.key; once the old tokens expired, drop OLD/token.pub."
            })
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where to write the key pair.")
        Path directory;

        @Override
        public Integer call() throws IOException {
            for (final String name : new String[] {TokenKeyFiles.PRIVATE_KEY, TokenKeyFiles.PUBLIC_KEY}) {
                if (Files.exists(directory.resolve(name))) {
                    throw new StartupException(directory.resolve(name)
                            + " exists already; a new key goes in another --dir (see realmctl token-key init --help)");
                }
            }
            final KeyPair pair = TokenKeyFiles.generate(directory);
            System.out.println("token key " + TokenKey.hex(Ed25519TokenKeys.keyId(pair.getPublic())) + ": "
                    + directory.resolve(TokenKeyFiles.PRIVATE_KEY) + " (control plane, --token-key-file), "
                    + directory.resolve(TokenKeyFiles.PUBLIC_KEY) + " (nodes, --token-public-keys)");
            return 0;
        }
    }
}
