package io.realmcluster.controlplane.battleground;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which battlegroup each realm belongs to: realms of one battlegroup queue and fight together. */
public final class Battlegroups {
    private final Map<String, String> battlegroupOfRealm;

    private Battlegroups(final Map<String, String> battlegroupOfRealm) {
        this.battlegroupOfRealm = Map.copyOf(battlegroupOfRealm);
    }

    /** From each battlegroup's realms; a realm named in two battlegroups is refused. */
    public static Battlegroups of(final Map<String, List<String>> realmsByBattlegroup) {
        final Map<String, String> battlegroupOfRealm = new HashMap<>();
        realmsByBattlegroup.forEach((battlegroup, realms) -> {
            for (final String realm : realms) {
                final String before = battlegroupOfRealm.putIfAbsent(realm, battlegroup);
                if (before != null && !before.equals(battlegroup)) {
                    throw new IllegalArgumentException("realm " + realm + " is in two battlegroups, " + before + " and "
                            + battlegroup + "; a realm belongs to one");
                }
            }
        });
        return new Battlegroups(battlegroupOfRealm);
    }

    public Optional<String> battlegroupOf(final String realm) {
        return Optional.ofNullable(battlegroupOfRealm.get(realm));
    }
}
