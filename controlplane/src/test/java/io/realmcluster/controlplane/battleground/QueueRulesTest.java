package io.realmcluster.controlplane.battleground;

import static io.realmcluster.controlplane.battleground.Battleground.ALTERAC_VALLEY;
import static io.realmcluster.controlplane.battleground.Battleground.ARATHI_BASIN;
import static io.realmcluster.controlplane.battleground.Battleground.WARSONG_GULCH;
import static io.realmcluster.controlplane.battleground.Faction.ALLIANCE;
import static io.realmcluster.controlplane.battleground.Faction.HORDE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a join is accepted or refused: one row per rule, the decision summed up in a line. */
class QueueRulesTest {
    private static final long NOW = 1_000_000_000L;
    private static final long EARLIER = NOW - 30_000;
    private static final Battlegroups BATTLEGROUPS = Battlegroups.of(Map.of(
            "bg1", List.of("stormrage", "nightfall"),
            "bg2", List.of("ragnaros")));
    private static final QueueRules RULES = new QueueRules(BATTLEGROUPS);

    private static final QueueKey WSG_60 = new QueueKey("bg1", WARSONG_GULCH, new Bracket(60, 60));
    private static final QueueKey AB_60 = new QueueKey("bg1", ARATHI_BASIN, new Bracket(60, 60));
    private static final QueueKey AV = new QueueKey("bg1", ALTERAC_VALLEY, new Bracket(51, 60));

    static Stream<Arguments> joins() {
        return Stream.of(
                row(
                        "a player alone joins: a new ticket in its battlegroup's bracket",
                        () -> JoinRequest.solo(WARSONG_GULCH, free("stormrage", 1, 60, ALLIANCE)),
                        "new WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/60 [stormrage/1]"),
                row(
                        "a level 15 queues in 10-19",
                        () -> JoinRequest.solo(WARSONG_GULCH, free("stormrage", 1, 15, HORDE)),
                        "new WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/10-19 [stormrage/1]"),
                row(
                        "level below the battleground's",
                        () -> JoinRequest.solo(WARSONG_GULCH, free("stormrage", 1, 9, ALLIANCE)),
                        "refused LEVEL_OUT_OF_RANGE: stormrage/1 is level 9; Warsong Gulch takes levels 10 to 60"),
                row(
                        "level 19 for Arathi Basin",
                        () -> JoinRequest.solo(ARATHI_BASIN, free("stormrage", 1, 19, ALLIANCE)),
                        "refused LEVEL_OUT_OF_RANGE: stormrage/1 is level 19; Arathi Basin takes levels 20 to 60"),
                row(
                        "level 50 for Alterac Valley",
                        () -> JoinRequest.solo(ALTERAC_VALLEY, free("stormrage", 1, 50, ALLIANCE)),
                        "refused LEVEL_OUT_OF_RANGE: stormrage/1 is level 50; Alterac Valley takes levels 51 to 60"),
                row(
                        "a group member outside the levels",
                        () -> group(
                                WARSONG_GULCH, free("stormrage", 1, 12, ALLIANCE), free("stormrage", 2, 8, ALLIANCE)),
                        "refused LEVEL_OUT_OF_RANGE: stormrage/2 is level 8; Warsong Gulch takes levels 10 to 60"),
                row(
                        "a group of two realms of one battlegroup: one ticket with both",
                        () -> group(WARSONG_GULCH, free("stormrage", 1, 60, HORDE), free("nightfall", 2, 60, HORDE)),
                        "new WARSONG_GULCH/group/g1 in bg1/WARSONG_GULCH/60 [stormrage/1, nightfall/2]"),
                row(
                        "the same character id on two realms is two characters",
                        () -> group(WARSONG_GULCH, free("stormrage", 7, 60, HORDE), free("nightfall", 7, 60, HORDE)),
                        "new WARSONG_GULCH/group/g1 in bg1/WARSONG_GULCH/60 [stormrage/7, nightfall/7]"),
                row(
                        "a group with a member of a realm of another battlegroup",
                        () -> group(WARSONG_GULCH, free("stormrage", 1, 60, HORDE), free("ragnaros", 2, 60, HORDE)),
                        "refused BATTLEGROUPS_DIFFER: ragnaros/2 is of realm ragnaros in battlegroup bg2, the leader's"
                                + " realm stormrage is in bg1; only realms of one battlegroup queue together"),
                row(
                        "a realm in no battlegroup",
                        () -> JoinRequest.solo(WARSONG_GULCH, free("lonely", 1, 60, HORDE)),
                        "refused REALM_WITHOUT_BATTLEGROUP: realm lonely of lonely/1 is in no battlegroup;"
                                + " an operator adds it with realmctl"),
                row(
                        "a group whose members are in two brackets (59 and 60)",
                        () -> group(WARSONG_GULCH, free("stormrage", 1, 60, HORDE), free("stormrage", 2, 59, HORDE)),
                        "refused BRACKETS_DIFFER: stormrage/2 (level 59) is in the 50-59 bracket of Warsong Gulch,"
                                + " the leader (level 60) in 60; a group queues in one bracket"),
                row(
                        "a group of both factions",
                        () -> group(WARSONG_GULCH, free("stormrage", 1, 60, HORDE), free("stormrage", 2, 60, ALLIANCE)),
                        "refused FACTIONS_DIFFER: stormrage/2 is of the ALLIANCE, the leader of the HORDE;"
                                + " a group queues for one side"),
                row(
                        "a player with Deserter",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH,
                                new Applicant(member("stormrage", 1, 60, HORDE), NOW + 90_500, List.of())),
                        "refused DESERTER: stormrage/1 has Deserter for 91 s more; it runs out offline too,"
                                + " then queue again"),
                row(
                        "a group with a member with Deserter",
                        () -> group(
                                WARSONG_GULCH,
                                free("stormrage", 1, 60, HORDE),
                                new Applicant(member("nightfall", 2, 60, HORDE), NOW + 1, List.of())),
                        "refused DESERTER: nightfall/2 has Deserter for 1 s more; it runs out offline too,"
                                + " then queue again"),
                row(
                        "a named player is shown as Name-Realm",
                        () -> group(
                                WARSONG_GULCH,
                                free("stormrage", 1, 60, HORDE),
                                new Applicant(member("nightfall", 7, 60, HORDE), "Thrall", NOW + 1_000, List.of())),
                        "refused DESERTER: Thrall-nightfall has Deserter for 1 s more; it runs out offline too,"
                                + " then queue again"),
                row(
                        "Deserter that ran out (its expiry is now) lets the player queue",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH, new Applicant(member("stormrage", 1, 60, HORDE), NOW, List.of())),
                        "new WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/60 [stormrage/1]"),
                row(
                        "Alterac Valley as a group",
                        () -> group(ALTERAC_VALLEY, free("stormrage", 1, 60, HORDE), free("stormrage", 2, 60, HORDE)),
                        "refused GROUP_NOT_ALLOWED: Alterac Valley takes players one by one; each member joins alone"),
                row(
                        "Alterac Valley alone",
                        () -> JoinRequest.solo(ALTERAC_VALLEY, free("stormrage", 1, 55, HORDE)),
                        "new ALTERAC_VALLEY/stormrage/1 in bg1/ALTERAC_VALLEY/51-60 [stormrage/1]"),
                row(
                        "a group larger than a party",
                        () -> group(
                                WARSONG_GULCH,
                                free("stormrage", 1, 60, HORDE),
                                free("stormrage", 2, 60, HORDE),
                                free("stormrage", 3, 60, HORDE),
                                free("stormrage", 4, 60, HORDE),
                                free("stormrage", 5, 60, HORDE),
                                free("stormrage", 6, 60, HORDE)),
                        "refused GROUP_TOO_LARGE: a group of 6 may not queue together; at most 5 (a party) may"),
                row(
                        "joining twice alone: the same ticket, its place kept",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH, holding(member("stormrage", 1, 60, HORDE), soloTicket(WSG_60, 1))),
                        "existing WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/60 [stormrage/1] joined at -30000"),
                row(
                        "joining twice as a group: the same ticket",
                        () -> {
                            final Ticket ticket = Ticket.ofGroup(
                                    WSG_60,
                                    "g1",
                                    List.of(member("stormrage", 1, 60, HORDE), member("nightfall", 2, 60, HORDE)),
                                    EARLIER);
                            return group(
                                    WARSONG_GULCH,
                                    holding(member("stormrage", 1, 60, HORDE), ticket),
                                    holding(member("nightfall", 2, 60, HORDE), ticket));
                        },
                        "existing WARSONG_GULCH/group/g1 in bg1/WARSONG_GULCH/60 [stormrage/1, nightfall/2]"
                                + " joined at -30000"),
                row(
                        "joining twice even when Deserter came since: the ticket stands",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH,
                                new Applicant(
                                        member("stormrage", 1, 60, HORDE),
                                        NOW + 60_000,
                                        List.of(soloTicket(WSG_60, 1)))),
                        "existing WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/60 [stormrage/1] joined at -30000"),
                row(
                        "a group whose member already waits alone for the battleground",
                        () -> group(
                                WARSONG_GULCH,
                                free("stormrage", 1, 60, HORDE),
                                holding(member("stormrage", 2, 60, HORDE), soloTicket(WSG_60, 2))),
                        "refused QUEUED_ON_ANOTHER_TICKET: stormrage/2 already waits for Warsong Gulch on ticket"
                                + " WARSONG_GULCH/stormrage/2; leave that queue first"),
                row(
                        "a group that gained a member since it joined",
                        () -> {
                            final Ticket ticket =
                                    Ticket.ofGroup(WSG_60, "g1", List.of(member("stormrage", 1, 60, HORDE)), EARLIER);
                            return group(
                                    WARSONG_GULCH,
                                    holding(member("stormrage", 1, 60, HORDE), ticket),
                                    free("stormrage", 2, 60, HORDE));
                        },
                        "refused QUEUED_ON_ANOTHER_TICKET: stormrage/1 already waits for Warsong Gulch on ticket"
                                + " WARSONG_GULCH/group/g1; leave that queue first"),
                row(
                        "a third queue",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH,
                                holding(member("stormrage", 1, 60, HORDE), soloTicket(AB_60, 1), soloTicket(AV, 1))),
                        "new WARSONG_GULCH/stormrage/1 in bg1/WARSONG_GULCH/60 [stormrage/1]"),
                row(
                        // Three battlegrounds and one ticket each: only stored state that breaks that rule holds three
                        // tickets for other battlegrounds.
                        "a fourth queue",
                        () -> JoinRequest.solo(
                                WARSONG_GULCH,
                                holding(
                                        member("stormrage", 1, 60, HORDE),
                                        soloTicket(AB_60, 1),
                                        soloTicket(AV, 1),
                                        Ticket.ofGroup(
                                                AB_60, "g9", List.of(member("stormrage", 1, 60, HORDE)), EARLIER))),
                        "refused TOO_MANY_QUEUES: stormrage/1 already waits in 3 queues, the most at once;"
                                + " leave one first"),
                row(
                        "a join that names nobody",
                        () -> new JoinRequest(WARSONG_GULCH, java.util.Optional.of("g1"), List.of()),
                        "refused MALFORMED: a join names nobody; name the character or the group's members"),
                row(
                        "a join that names a character twice",
                        () -> group(WARSONG_GULCH, free("stormrage", 1, 60, HORDE), free("stormrage", 1, 60, HORDE)),
                        "refused MALFORMED: a join names stormrage/1 twice"),
                row(
                        "several characters without a group",
                        () -> new JoinRequest(
                                WARSONG_GULCH,
                                java.util.Optional.empty(),
                                List.of(free("stormrage", 1, 60, HORDE), free("stormrage", 2, 60, HORDE))),
                        "refused MALFORMED: a join of 2 characters needs their group's id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("joins")
    void decides(final String situation, final Supplier<JoinRequest> request, final String expected) {
        assertThat(summary(RULES.join(request.get(), NOW))).isEqualTo(expected);
    }

    @Test
    void secondJoinReturnsTheVeryTicketHeld() {
        final Ticket held = soloTicket(WSG_60, 1);
        final JoinDecision decision =
                RULES.join(JoinRequest.solo(WARSONG_GULCH, holding(member("stormrage", 1, 60, HORDE), held)), NOW);

        assertThat(decision).isEqualTo(new JoinDecision.Accepted(held, true));
    }

    private static String summary(final JoinDecision decision) {
        if (decision instanceof JoinDecision.Refused refused) {
            return "refused " + refused.reason() + ": " + refused.message();
        }
        final JoinDecision.Accepted accepted = (JoinDecision.Accepted) decision;
        final Ticket ticket = accepted.ticket();
        final String head = (accepted.existing() ? "existing " : "new ") + ticket.id() + " in " + ticket.queue() + " "
                + ticket.members().stream().map(Member::character).toList();
        return ticket.joinedAtMillis() == NOW ? head : head + " joined at " + (ticket.joinedAtMillis() - NOW);
    }

    private static Arguments row(final String situation, final Supplier<JoinRequest> request, final String expected) {
        return Arguments.of(situation, request, expected);
    }

    private static JoinRequest group(final Battleground battleground, final Applicant... applicants) {
        return JoinRequest.ofGroup(battleground, "g1", List.of(applicants));
    }

    private static Member member(final String realm, final long id, final int level, final Faction faction) {
        return new Member(new CharacterKey(realm, id), level, faction);
    }

    private static Applicant free(final String realm, final long id, final int level, final Faction faction) {
        return Applicant.free(member(realm, id, level, faction));
    }

    private static Applicant holding(final Member member, final Ticket... tickets) {
        return new Applicant(member, 0, List.of(tickets));
    }

    private static Ticket soloTicket(final QueueKey queue, final long id) {
        return Ticket.solo(queue, member("stormrage", id, 60, HORDE), EARLIER);
    }
}
