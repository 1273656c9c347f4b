package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.TransferCharacterResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code realmctl transfer-character NAME --realm A --to-realm B [--new-name NEW]}: move an offline
 * character, with its items and money, into another realm's database exactly once; asking again
 * finishes a move that was interrupted, or answers one that is done.
 */
@Command(
        name = "transfer-character",
        mixinStandardHelpOptions = true,
        description = {
            "Move an offline character, with its items and money, to another realm, exactly once. Its old name stays "
                    + "taken in its realm, by a tombstone that tells its logins where it went.",
            "Asking again with the same arguments finishes a move that was interrupted, or shows the one done."
        })
final class TransferCharacterCommand implements Callable<Integer> {
    @ParentCommand
    Realmctl root;

    @Parameters(paramLabel = "NAME", description = "The character's name in its realm.")
    String name;

    @Option(names = "--realm", required = true, paramLabel = "REALM", description = "The realm it lives in now.")
    String realm;

    @Option(names = "--to-realm", required = true, paramLabel = "REALM", description = "The realm it moves to.")
    String toRealm;

    @Option(
            names = "--new-name",
            paramLabel = "NAME",
            defaultValue = "",
            description = "The name it takes there, when its own is taken there (2 to 12 letters).")
    String newName;

    @Override
    public Integer call() {
        try (AdminClient client = root.admin()) {
            final TransferCharacterResponse moved = client.transferCharacter(realm, name, toRealm, newName);
            System.out.printf(
                    "%s %s of realm %s (character %d) to realm %s as %s (character %d): %d copper, %d items "
                            + "(move %s)%n",
                    moved.getAlreadyDone() ? "already moved" : "moved",
                    name,
                    moved.getRealm(),
                    moved.getCharacterId(),
                    moved.getToRealm(),
                    moved.getToName(),
                    moved.getToCharacterId(),
                    moved.getMoney(),
                    moved.getItems(),
                    moved.getMoveId());
            return 0;
        }
    }
}
