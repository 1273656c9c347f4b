package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.Battlegroup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code realmctl set battlegroup NAME --realms A,B} and {@code realmctl delete battlegroup NAME}:
 * the realms whose players meet in battlegrounds.
 */
final class BattlegroupCommand {
    private BattlegroupCommand() {}

    /** {@code realmctl set ...}. */
    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Create or replace a resource: battlegroup.",
            subcommands = {Set.Group.class})
    static final class Set implements Runnable {
        @ParentCommand
        Realmctl root;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "missing resource: battlegroup");
        }

        @Command(
                name = "battlegroup",
                mixinStandardHelpOptions = true,
                description = "Create or replace a battlegroup: its realms' players queue and meet in the same "
                        + "battlegrounds. A realm is in at most one battlegroup.")
        static final class Group implements Callable<Integer> {
            @ParentCommand
            Set set;

            @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and dashes.")
            String name;

            @Option(
                    names = "--realms",
                    required = true,
                    split = ",",
                    paramLabel = "REALM[,REALM...]",
                    description = "Its realms (replacing those it had).")
            List<String> realms;

            @Override
            public Integer call() {
                final Battlegroup stored;
                try (AdminClient client = set.root.admin()) {
                    stored = client.putBattlegroup(name, realms);
                }
                System.out.println(
                        "battlegroup/" + stored.getName() + " set: " + String.join(", ", stored.getRealmsList()));
                return 0;
            }
        }
    }

    /** {@code realmctl delete ...}. */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Remove a resource: battlegroup.",
            subcommands = {Delete.Group.class})
    static final class Delete implements Runnable {
        @ParentCommand
        Realmctl root;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "missing resource: battlegroup");
        }

        @Command(name = "battlegroup", mixinStandardHelpOptions = true, description = "Remove a battlegroup.")
        static final class Group implements Callable<Integer> {
            @ParentCommand
            Delete delete;

            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                final Battlegroup removed;
                try (AdminClient client = delete.root.admin()) {
                    removed = client.deleteBattlegroup(name);
                }
                System.out.println("battlegroup/" + removed.getName() + " deleted");
                return 0;
            }
        }
    }
}
