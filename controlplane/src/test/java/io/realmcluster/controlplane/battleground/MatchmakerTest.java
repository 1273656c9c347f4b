package io.realmcluster.controlplane.battleground;

import static io.realmcluster.controlplane.battleground.Battleground.ALTERAC_VALLEY;
import static io.realmcluster.controlplane.battleground.Battleground.ARATHI_BASIN;
import static io.realmcluster.controlplane.battleground.Battleground.WARSONG_GULCH;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matchmaker's rules as a table: a queue written as tickets in join order ({@code A1} an Alliance
 * player alone, {@code H3} a Horde group of three; the n-th is {@code tn}, joined n seconds after the
 * first), its running matches ({@code m1 8v9}: 8 Alliance, 9 Horde), the time of the pass in seconds
 * after the first join, and the exact proposals.
 */
class MatchmakerTest {
    private static final long T0 = 1_000_000_000L;
    private static final Matchmaker MATCHMAKER = new Matchmaker(Duration.ofSeconds(60));

    static Stream<Arguments> cases() {
        return Stream.of(
                // New matches: minimums, one apart, sizes.
                row("nothing waits: nothing proposed", of(WARSONG_GULCH)),
                row("one side below the minimum: no match", of(WARSONG_GULCH).queue("A1 A1 A1 A1 H1 H1 H1")),
                row(
                        "both sides at the minimum: a 4 v 4",
                        of(WARSONG_GULCH).queue("A1 H1 A1 H1 A1 H1 A1 H1"),
                        "new A[t0 t2 t4 t6] H[t1 t3 t5 t7]"),
                row(
                        "one player apart is a match",
                        of(WARSONG_GULCH).queue("A1 A1 A1 A1 A1 H1 H1 H1 H1"),
                        "new A[t0 t1 t2 t3 t4] H[t5 t6 t7 t8]"),
                row(
                        "two apart: the larger team keeps its oldest, one more than the other",
                        of(WARSONG_GULCH).queue("A1 A1 A1 A1 A1 A1 H1 H1 H1 H1"),
                        "new A[t0 t1 t2 t3 t4] H[t6 t7 t8 t9]"),
                row(
                        "teams capped at the battleground's size; the rest wait",
                        of(WARSONG_GULCH).queue(repeat("A1", 12) + " " + repeat("H1", 12)),
                        "new A[t0 t1 t2 t3 t4 t5 t6 t7 t8 t9] H[t12 t13 t14 t15 t16 t17 t18 t19 t20 t21]"),
                row(
                        "enough for two matches: two in one pass, oldest in the first",
                        of(WARSONG_GULCH).queue(repeat("A1", 14) + " " + repeat("H1", 14)),
                        "new A[t0 t1 t2 t3 t4 t5 t6 t7 t8 t9] H[t14 t15 t16 t17 t18 t19 t20 t21 t22 t23]",
                        "new A[t10 t11 t12 t13] H[t24 t25 t26 t27]"),
                row("Arathi Basin needs 6 a side", of(ARATHI_BASIN).queue(repeat("A1", 6) + " " + repeat("H1", 5))),
                row(
                        "Arathi Basin at 6 v 6",
                        of(ARATHI_BASIN).queue(repeat("A1", 6) + " " + repeat("H1", 6)),
                        "new A[t0 t1 t2 t3 t4 t5] H[t6 t7 t8 t9 t10 t11]"),
                row(
                        "Alterac Valley needs 20 a side",
                        of(ALTERAC_VALLEY).queue(repeat("A1", 21) + " " + repeat("H1", 19))),
                row(
                        "Alterac Valley takes at most 40 a side",
                        of(ALTERAC_VALLEY).queue(repeat("A1", 41) + " " + repeat("H1", 45)),
                        "new A[" + ids(0, 40) + "] H[" + ids(41, 81) + "]"),

                // Groups.
                row(
                        "a group goes whole into its team",
                        of(WARSONG_GULCH).queue("A3 A1 H1 H1 H1 H1"),
                        "new A[t0 t1] H[t2 t3 t4 t5]"),
                row(
                        "a premade of five against four alone is one apart",
                        of(WARSONG_GULCH).queue("A5 H1 H1 H1 H1"),
                        "new A[t0] H[t1 t2 t3 t4]"),
                row("groups on both sides", of(WARSONG_GULCH).queue("A5 H2 H2 A1 H1"), "new A[t0 t3] H[t1 t2 t4]"),
                row(
                        "a group that does not fit waits; later players alone take the seats",
                        of(WARSONG_GULCH).queue(repeat("A1", 8) + " A3 A1 A1 " + repeat("H1", 10)),
                        "new A[t0 t1 t2 t3 t4 t5 t6 t7 t9 t10] H[t11 t12 t13 t14 t15 t16 t17 t18 t19 t20]"),
                row(
                        "a group that waited past the hold time is passed by nobody",
                        of(WARSONG_GULCH)
                                .queue(repeat("A1", 8) + " A3 A1 A1 " + repeat("H1", 10))
                                .at(68),
                        "new A[t0 t1 t2 t3 t4 t5 t6 t7] H[t11 t12 t13 t14 t15 t16 t17 t18 t19]"),
                row(
                        "the held group goes first into the next match",
                        of(WARSONG_GULCH).queue("A3 A1 A1 H1 H1 H1 H1 H1").at(60),
                        "new A[t0 t1 t2] H[t3 t4 t5 t6 t7]"),
                row(
                        "a group would put its team two ahead and nothing smaller can: no match",
                        of(WARSONG_GULCH).queue("A1 A1 A1 A3 H1 H1 H1 H1")),
                row(
                        "two groups of five fill a team",
                        of(WARSONG_GULCH).queue("A5 A5 A5 " + repeat("H1", 10)),
                        "new A[t0 t1] H[t3 t4 t5 t6 t7 t8 t9 t10 t11 t12]"),

                // Top-ups.
                row(
                        "a top-up comes before a new match",
                        of(WARSONG_GULCH).running("m1 9v10").queue("A1 A1 A1 A1 A1 H1 H1 H1 H1"),
                        "top-up m1 A[t0] H[]",
                        "new A[t1 t2 t3 t4] H[t5 t6 t7 t8]"),
                row(
                        "a team is topped up to the other's count, never past it",
                        of(WARSONG_GULCH).running("m1 3v7").queue(repeat("A1", 6)),
                        "top-up m1 A[t0 t1 t2 t3] H[]"),
                row(
                        "level teams gain in equal numbers",
                        of(WARSONG_GULCH).running("m1 8v8").queue("A1 A1 A1 H1"),
                        "top-up m1 A[t0] H[t3]"),
                row(
                        "level teams and one faction waiting: no top-up",
                        of(WARSONG_GULCH).running("m1 8v8").queue("A1 A1 A1")),
                row(
                        "a group tops up level teams with as many of the other side",
                        of(WARSONG_GULCH).running("m1 6v6").queue("A2 H1 H1"),
                        "top-up m1 A[t0] H[t1 t2]"),
                row(
                        "a ticket of the larger team comes with the players the smaller needs to level up",
                        of(WARSONG_GULCH).running("m1 7v8").queue("H1 A1 A1 A1"),
                        "top-up m1 A[t1 t2] H[t0]"),
                row(
                        "a group too big for the free seats waits; a later player alone takes the seat",
                        of(WARSONG_GULCH).running("m1 9v10").queue("A2 A1"),
                        "top-up m1 A[t1] H[]"),
                row(
                        "a group too big for the free seats and held keeps the seat from later players",
                        of(WARSONG_GULCH).running("m1 9v10").queue("A2 A1").at(60)),
                row(
                        "running matches are topped up in the order given",
                        of(WARSONG_GULCH).running("m1 9v10", "m2 8v10").queue("A1 A1"),
                        "top-up m1 A[t0] H[]",
                        "top-up m2 A[t1] H[]"),
                row(
                        "a full running match takes nobody; a new match forms",
                        of(WARSONG_GULCH).running("m1 10v10").queue("A1 A1 A1 A1 H1 H1 H1 H1"),
                        "new A[t0 t1 t2 t3] H[t4 t5 t6 t7]"),
                row(
                        "a match short on both sides fills in pairs up to the team size",
                        of(WARSONG_GULCH).running("m1 7v7").queue(repeat("A1", 5) + " " + repeat("H1", 5)),
                        "top-up m1 A[t0 t1 t2] H[t5 t6 t7]"),
                row(
                        "top-ups of Alterac Valley after its losses",
                        of(ALTERAC_VALLEY).running("m1 38v40").queue("H1 A1 A1 A1"),
                        "top-up m1 A[t1 t2] H[]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void proposes(final String situation, final Case given, final List<String> expected) {
        assertThat(given.propose(MATCHMAKER)).isEqualTo(expected);
    }

    @Test
    void sameInputInAnyOrderGivesTheSameProposals() {
        final Random random = new Random(20);
        for (int round = 0; round < 200; round++) {
            final Case given = randomCase(random);
            final List<String> first = given.propose(MATCHMAKER);
            assertThat(given.propose(MATCHMAKER)).isEqualTo(first);
            final List<Ticket> shuffled = new ArrayList<>(given.tickets());
            Collections.shuffle(shuffled, random);
            assertThat(given.summaries(MATCHMAKER.propose(given.queue, shuffled, given.running, given.nowMillis())))
                    .isEqualTo(first);
        }
    }

    @Test
    void randomQueuesKeepEveryRule() {
        final Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            final Case given = randomCase(random);
            final Battleground battleground = given.queue.battleground();
            final List<Proposal> proposals =
                    MATCHMAKER.propose(given.queue, given.tickets(), given.running, given.nowMillis());
            final Set<String> seated = new HashSet<>();
            final Map<String, RunningMatch> running = new HashMap<>();
            given.running.forEach(m -> running.put(m.matchId(), m));
            for (final Proposal proposal : proposals) {
                for (final Faction faction : Faction.values()) {
                    for (final Ticket ticket : proposal.team(faction)) {
                        assertThat(ticket.faction()).isEqualTo(faction);
                        assertThat(seated.add(ticket.id()))
                                .as("%s seated twice", ticket.id())
                                .isTrue();
                    }
                }
                final int alliance = proposal.players(Faction.ALLIANCE);
                final int horde = proposal.players(Faction.HORDE);
                if (proposal.isTopUp()) {
                    final RunningMatch match = running.get(proposal.matchId().orElseThrow());
                    final int a = match.alliance() + alliance;
                    final int h = match.horde() + horde;
                    assertThat(a).isLessThanOrEqualTo(battleground.teamSize());
                    assertThat(h).isLessThanOrEqualTo(battleground.teamSize());
                    if (alliance > 0) {
                        assertThat(a)
                                .as("Alliance topped up past the Horde: %s", proposal.summary())
                                .isLessThanOrEqualTo(h);
                    }
                    if (horde > 0) {
                        assertThat(h)
                                .as("Horde topped up past the Alliance: %s", proposal.summary())
                                .isLessThanOrEqualTo(a);
                    }
                } else {
                    assertThat(alliance).isBetween(battleground.minPerTeam(), battleground.teamSize());
                    assertThat(horde).isBetween(battleground.minPerTeam(), battleground.teamSize());
                    assertThat(Math.abs(alliance - horde)).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    /**
     * A group of three waits while a running match loses an Alliance player every 10 s and a player
     * alone joins every 10 s: without a hold the newcomer always takes the one free seat; with it,
     * the seats wait for the group once it has waited 60 s, and it goes in when three are free.
     */
    @Test
    void groupIsNotPassedForeverByLaterPlayers() {
        assertThat(secondsUntilGroupSeated(MATCHMAKER)).isEqualTo(Optional.of(80L));
        assertThat(secondsUntilGroupSeated(new Matchmaker(Duration.ofDays(1)))).isEmpty();
    }

    private static Optional<Long> secondsUntilGroupSeated(final Matchmaker matchmaker) {
        final QueueKey queue = new QueueKey("bg1", WARSONG_GULCH, new Bracket(60, 60));
        final List<Ticket> waiting = new ArrayList<>();
        final Ticket group = Case.ticket(queue, "A3", 0, T0);
        waiting.add(group);
        int alliance = 10;
        for (int pass = 0; pass <= 30; pass++) {
            final long now = T0 + pass * 10_000L;
            alliance--;
            waiting.add(Case.ticket(queue, "A1", pass + 1, now));
            final List<Proposal> proposals =
                    matchmaker.propose(queue, waiting, List.of(new RunningMatch("m1", alliance, 10)), now);
            for (final Proposal proposal : proposals) {
                assertThat(proposal.matchId()).contains("m1");
                alliance += proposal.players(Faction.ALLIANCE);
                waiting.removeAll(proposal.alliance());
                if (proposal.alliance().contains(group)) {
                    return Optional.of((now - T0) / 1000);
                }
            }
        }
        return Optional.empty();
    }

    private static Case randomCase(final Random random) {
        final Battleground battleground = Battleground.values()[random.nextInt(Battleground.values().length)];
        final Case given = of(battleground);
        final int count = random.nextInt(battleground.teamSize() * 5);
        final StringBuilder tokens = new StringBuilder();
        for (int i = 0; i < count; i++) {
            final int size = battleground.groupsAllowed() && random.nextInt(5) == 0 ? 2 + random.nextInt(4) : 1;
            tokens.append(random.nextBoolean() ? 'A' : 'H').append(size).append(' ');
        }
        given.queue(tokens.toString());
        final int matches = random.nextInt(3);
        for (int m = 0; m < matches; m++) {
            given.running("m" + m + " " + random.nextInt(battleground.teamSize() + 1) + "v"
                    + random.nextInt(battleground.teamSize() + 1));
        }
        return given.at(random.nextInt(count + 120));
    }

    private static String repeat(final String token, final int times) {
        return String.join(" ", Collections.nCopies(times, token));
    }

    private static String ids(final int from, final int to) {
        return Stream.iterate(from, i -> i < to, i -> i + 1).map(i -> "t" + i).collect(Collectors.joining(" "));
    }

    private static Arguments row(final String situation, final Case given, final String... expected) {
        return Arguments.of(situation, given, List.of(expected));
    }

    private static Case of(final Battleground battleground) {
        return new Case(battleground);
    }

    /** A queue and its running matches, written compactly. */
    static final class Case {
        final QueueKey queue;
        final List<String> tokens = new ArrayList<>();
        final List<RunningMatch> running = new ArrayList<>();
        long atSeconds = 30;

        Case(final Battleground battleground) {
            this.queue = new QueueKey(
                    "bg1",
                    battleground,
                    battleground.brackets().get(battleground.brackets().size() - 1));
        }

        Case queue(final String written) {
            for (final String token : written.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
            return this;
        }

        Case running(final String... matches) {
            for (final String match : matches) {
                final String[] parts = match.split("[ v]");
                running.add(new RunningMatch(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
            }
            return this;
        }

        Case at(final long seconds) {
            this.atSeconds = seconds;
            return this;
        }

        long nowMillis() {
            return T0 + atSeconds * 1000;
        }

        List<Ticket> tickets() {
            final List<Ticket> tickets = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                tickets.add(ticket(queue, tokens.get(i), i, T0 + i * 1000L));
            }
            return tickets;
        }

        List<String> propose(final Matchmaker matchmaker) {
            return summaries(matchmaker.propose(queue, tickets(), running, nowMillis()));
        }

        /** Each proposal with tickets by their short names, tn. */
        List<String> summaries(final List<Proposal> proposals) {
            return proposals.stream()
                    .map(p -> p.matchId().map(id -> "top-up " + id).orElse("new") + " A[" + shortNames(p.alliance())
                            + "] H[" + shortNames(p.horde()) + "]")
                    .toList();
        }

        private static String shortNames(final List<Ticket> tickets) {
            return tickets.stream()
                    .map(t -> "t" + t.members().get(0).character().characterId() / 100)
                    .collect(Collectors.joining(" "));
        }

        /** The n-th ticket: its members are characters n*100, n*100+1, ... of realm r1. */
        static Ticket ticket(final QueueKey queue, final String token, final int n, final long joinedAt) {
            final Faction faction = token.charAt(0) == 'A' ? Faction.ALLIANCE : Faction.HORDE;
            final int size = Integer.parseInt(token.substring(1));
            final List<Member> members = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                members.add(new Member(new CharacterKey("r1", n * 100L + j), 60, faction));
            }
            return size == 1
                    ? Ticket.solo(queue, members.get(0), joinedAt)
                    : Ticket.ofGroup(queue, "g" + n, members, joinedAt);
        }

        @Override
        public String toString() {
            return queue.battleground() + " " + running + " " + tokens + " at " + atSeconds + " s";
        }
    }

    @Test
    void fullPassGroupsTicketsByQueue() {
        final QueueKey wsg = new QueueKey("bg1", WARSONG_GULCH, new Bracket(60, 60));
        final QueueKey wsgOther = new QueueKey("bg2", WARSONG_GULCH, new Bracket(60, 60));
        final List<Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tickets.add(Case.ticket(wsg, i % 2 == 0 ? "A1" : "H1", i, T0 + i));
            tickets.add(Case.ticket(wsgOther, "A1", 100 + i, T0 + i));
        }
        final SortedMap<QueueKey, List<Proposal>> proposals = MATCHMAKER.proposeAll(tickets, Map.of(), T0 + 10);

        assertThat(proposals).containsOnlyKeys(wsg);
        assertThat(MATCHMAKER.proposeAll(Matchmaker.index(tickets), Map.of(), T0 + 10))
                .isEqualTo(proposals);
        assertThat(proposals.get(wsg)).singleElement().satisfies(p -> {
            assertThat(p.players(Faction.ALLIANCE)).isEqualTo(4);
            assertThat(p.players(Faction.HORDE)).isEqualTo(4);
        });
    }
}
