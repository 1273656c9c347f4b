package io.realmcluster.bench.battleground;

import io.realmcluster.controlplane.battleground.Battleground;
import io.realmcluster.controlplane.battleground.Bracket;
import io.realmcluster.controlplane.battleground.CharacterKey;
import io.realmcluster.controlplane.battleground.Faction;
import io.realmcluster.controlplane.battleground.Member;
import io.realmcluster.controlplane.battleground.QueueKey;
import io.realmcluster.controlplane.battleground.RunningMatch;
import io.realmcluster.controlplane.battleground.Ticket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A seeded set of waiting tickets and running matches, the way a busy battlegroup pair would hold
 * them: levels skewed to the cap, every battleground a level may join, some groups, joins over the
 * last ten minutes, and a few running matches a queue, most nearly full.
 */
record TicketMix(List<Ticket> tickets, Map<QueueKey, List<RunningMatch>> running, long nowMillis, int groups) {
    static final Map<String, List<String>> BATTLEGROUPS = Map.of(
            "bg1", List.of("stormrage", "nightfall"),
            "bg2", List.of("ragnaros", "mannoroth"));
    static final String DESCRIPTION = "levels: 55% at 60, 15% 51-59, 30% 10-50; Alliance 52%; a ticket in five a group"
            + " of 2-5 where groups may queue;\n            joins over the last 10 min; 0-3 running matches a queue,"
            + " each 0-3 players short a team";

    private static final long NOW = 1_800_000_000_000L;
    private static final long WINDOW_MILLIS = 10 * 60 * 1000;

    /** {@code count} tickets (groups count as one) from {@code seed}; without groups every ticket is one player. */
    static TicketMix generate(final int count, final boolean withGroups, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<String> battlegroups = List.copyOf(new TreeSet<>(BATTLEGROUPS.keySet()));
        final List<Ticket> tickets = new ArrayList<>(count);
        final Map<QueueKey, QueueKey> queues = new HashMap<>();
        long nextCharacter = 1;
        int groups = 0;
        for (int i = 0; i < count; i++) {
            final String battlegroup = battlegroups.get(random.nextInt(battlegroups.size()));
            final List<String> realms = BATTLEGROUPS.get(battlegroup);
            final int level = level(random);
            final Battleground battleground = battleground(random, level);
            final Bracket bracket = battleground.bracketFor(level).orElseThrow();
            // One instance a queue, as the leader's ticket index would hold it.
            final QueueKey queue = queues.computeIfAbsent(new QueueKey(battlegroup, battleground, bracket), key -> key);
            final Faction faction = random.nextInt(100) < 52 ? Faction.ALLIANCE : Faction.HORDE;
            // Joins in order over the window, as tickets arrive (and are allocated) on the leader.
            final long joinedAt = NOW - WINDOW_MILLIS + (long) i * WINDOW_MILLIS / count;
            final int size =
                    withGroups && battleground.groupsAllowed() && random.nextInt(5) == 0 ? groupSize(random) : 1;
            final List<Member> members = new ArrayList<>(size);
            for (int m = 0; m < size; m++) {
                final String realm = realms.get(random.nextInt(realms.size()));
                members.add(new Member(new CharacterKey(realm, nextCharacter++), level, faction));
            }
            if (size == 1) {
                tickets.add(Ticket.solo(queue, members.get(0), joinedAt));
            } else {
                groups++;
                tickets.add(Ticket.ofGroup(queue, "g" + i, members, joinedAt));
            }
        }
        final Map<QueueKey, List<RunningMatch>> running = new HashMap<>();
        for (final QueueKey queue : new TreeSet<>(queues.keySet())) {
            final int teamSize = queue.battleground().teamSize();
            final List<RunningMatch> matches = new ArrayList<>();
            final int howMany = random.nextInt(4);
            for (int m = 0; m < howMany; m++) {
                matches.add(
                        new RunningMatch(queue + "/m" + m, teamSize - random.nextInt(4), teamSize - random.nextInt(4)));
            }
            running.put(queue, List.copyOf(matches));
        }
        return new TicketMix(List.copyOf(tickets), Map.copyOf(running), NOW, groups);
    }

    int queues() {
        return running.size();
    }

    private static int level(final SplittableRandom random) {
        final int roll = random.nextInt(100);
        if (roll < 55) {
            return 60;
        }
        if (roll < 70) {
            return 51 + random.nextInt(9);
        }
        return 10 + random.nextInt(41);
    }

    private static Battleground battleground(final SplittableRandom random, final int level) {
        final int roll = random.nextInt(100);
        if (level >= Battleground.ALTERAC_VALLEY.minLevel()) {
            return roll < 40
                    ? Battleground.WARSONG_GULCH
                    : roll < 75 ? Battleground.ARATHI_BASIN : Battleground.ALTERAC_VALLEY;
        }
        if (level >= Battleground.ARATHI_BASIN.minLevel()) {
            return roll < 55 ? Battleground.WARSONG_GULCH : Battleground.ARATHI_BASIN;
        }
        return Battleground.WARSONG_GULCH;
    }

    private static int groupSize(final SplittableRandom random) {
        final int roll = random.nextInt(100);
        return roll < 40 ? 2 : roll < 65 ? 3 : roll < 80 ? 4 : 5;
    }
}
