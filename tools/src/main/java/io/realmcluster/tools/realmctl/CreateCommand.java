package io.realmcluster.tools.realmctl;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.proto.v1.Account;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code realmctl create account|character}: player accounts and characters, made by an operator. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a resource: account, character.",
        subcommands = {CreateCommand.AccountCommand.class, CreateCommand.CharacterCommand.class})
final class CreateCommand implements Runnable {
    @ParentCommand
    Realmctl root;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "missing resource: account or character");
    }

    AdminClient client() {
        return root.admin();
    }

    @Command(
            name = "account",
            mixinStandardHelpOptions = true,
            description = "Create a player account. The password is read from standard input with --password-stdin, "
                    + "or asked for without echo; never given as a flag.")
    static final class AccountCommand implements Callable<Integer> {
        @ParentCommand
        CreateCommand create;

        @Parameters(paramLabel = "NAME", description = "3 to 32 letters, digits or '_'.")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() {
            final Account account;
            try (AdminClient client = create.client()) {
                account = client.createAccount(CreateAccountRequest.newBuilder()
                        .setName(name)
                        .setPassword(password())
                        .build());
            }
            if (create.output == Output.JSON) {
                System.out.println(Output.json(account));
            } else {
                System.out.println("account/" + account.getName() + " created (id " + account.getAccountId() + ")");
            }
            return 0;
        }

        private String password() {
            if (passwordStdin) {
                try {
                    final String line =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) {
                        throw new StartupException("--password-stdin: standard input held no password");
                    }
                    return line;
                } catch (final IOException e) {
                    throw new StartupException("cannot read the password from standard input: " + e.getMessage(), e);
                }
            }
            final Console console = System.console();
            if (console == null) {
                throw new StartupException("no terminal to ask for the password; use --password-stdin");
            }
            final char[] first = console.readPassword("Password for %s: ", name);
            final char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !new String(first).equals(new String(second))) {
                throw new StartupException("the passwords did not match");
            }
            return new String(first);
        }
    }

    @Command(name = "character", mixinStandardHelpOptions = true, description = "Create a character on an account.")
    static final class CharacterCommand implements Callable<Integer> {
        @ParentCommand
        CreateCommand create;

        @Parameters(paramLabel = "NAME", description = "2 to 12 letters.")
        String name;

        @Option(
                names = "--account",
                required = true,
                paramLabel = "ACCOUNT",
                description = "The account it belongs to.")
        String account;

        @Option(
                names = "--realm",
                paramLabel = "REALM",
                defaultValue = "",
                description = "Realm (default: the only one the control plane serves).")
        String realm;

        @Option(
                names = "--race",
                paramLabel = "N",
                defaultValue = "1",
                description =
                        "1 human, 2 orc, 3 dwarf, 4 night elf, 5 undead, 6 tauren, 7 gnome, 8 troll (default: ${DEFAULT-VALUE}).")
        int race;

        @Option(
                names = "--class",
                paramLabel = "N",
                defaultValue = "1",
                description =
                        "1 warrior, 2 paladin, 3 hunter, 4 rogue, 5 priest, 7 shaman, 8 mage, 9 warlock, 11 druid "
                                + "(default: ${DEFAULT-VALUE}).")
        int characterClass;

        @Override
        public Integer call() {
            final Character character;
            try (AdminClient client = create.client()) {
                character = client.createCharacter(CreateCharacterRequest.newBuilder()
                        .setAccount(account)
                        .setRealm(realm)
                        .setName(name)
                        .setRace(race)
                        .setClass_(characterClass)
                        .build());
            }
            if (create.output == Output.JSON) {
                System.out.println(Output.json(character));
            } else {
                System.out.println("character/" + character.getName() + " created on account " + account + " in realm "
                        + character.getRealm() + " (id " + character.getCharacterId() + ", map " + character.getMapId()
                        + ")");
            }
            return 0;
        }
    }
}
