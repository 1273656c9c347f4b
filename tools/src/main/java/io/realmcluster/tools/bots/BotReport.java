package io.realmcluster.tools.bots;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a {@link BotFleet} run saw: logins, input-to-state latency, the game (players seen, kills,
 * loot, chat) and everything that went wrong. Latencies are in microseconds.
 *
 * @param loginToWorldP50Micros per login, from the Login call to WORLD_ENTERED (connecting and the node's
 *                              claim and load of the character included): the player's wait after choosing
 * @param disconnects           every end of a connection the node chose (DISCONNECT reasons) or that
 *                              broke ({@code connection_lost}), by reason
 * @param unexpectedDisconnects those of {@code disconnects} that were not the answer to the bots' LOGOUT
 * @param protocolErrors        frames the bots could not decode (or that came out of order)
 * @param protocolErrorsByKind  the same by kind
 * @param failures              bots that gave up, by step and gRPC code or cause
 * @param failureExamples       one message for each key of {@code failures}
 * @param standbyTakeovers      redirects carried by a connection the bot opened ahead when its map began to move
 *                              (STANDBY), so that it did not reconnect after the REDIRECT
 * @param redirectGapP50Micros  per redirect (a portal, or the bot's map moving to another node), the
 *                              time from the last SELF_STATE on the old node to the first on the new
 *                              one: what the player spends on a loading screen, plus one update interval
 * @param stateEntries          how often the bots entered each state of their life (connecting, handshake,
 *                              entering, in_world, redirecting, logging_out, done), all bots summed
 * @param battlegrounds         what the battleground bots did: queues, invites and their answers, entries, matches
 * @param entryPhases           their entries into battlegrounds step by step
 * @param items                 what the bots did with items: loot, equipment, destroys, stacks, trades
 * @param reconnects            bots back in the world after their node connection broke (a crash), through
 *                              Resume: not counted in {@code unexpectedDisconnects}; one that could not get
 *                              back is (and in {@code failures} as {@code resume})
 */
public record BotReport(
        int count,
        int loggedIn,
        int enteredWorld,
        long loginP50Micros,
        long loginP99Micros,
        long loginToWorldP50Micros,
        long loginToWorldP99Micros,
        long latencyP50Micros,
        long latencyP99Micros,
        long latencyMaxMicros,
        long samples,
        long movesSent,
        long moveCorrections,
        long redirects,
        long standbyTakeovers,
        long redirectGapP50Micros,
        long redirectGapP99Micros,
        long redirectGapMaxMicros,
        long instancesEntered,
        long portalsRefused,
        int botsThatSawOthers,
        int distinctPlayersSeen,
        long kills,
        long lootedCorpses,
        long lootedCopper,
        long chatHeard,
        long maxMoneySeen,
        Map<String, Long> disconnects,
        Map<String, Long> unexpectedDisconnects,
        long protocolErrors,
        Map<String, Long> protocolErrorsByKind,
        Map<String, Long> failures,
        Map<String, String> failureExamples,
        double loginSeconds,
        double worldSeconds,
        Map<String, Long> stateEntries,
        Battlegrounds battlegrounds,
        EntryPhases entryPhases,
        Items items,
        Reconnects reconnects,
        Crossings crossings) {
    /**
     * Crossings of a boundary between two cells of a split continent: how many, how many of them the
     * standby connection carried (no reconnect after a REDIRECT: seamless), and the longest gap in updates each
     * one was (the last SELF_STATE from the cell left to the first from the cell entered), microseconds.
     */
    public record Crossings(long count, long seamless, long gapP50Micros, long gapP99Micros, long gapMaxMicros) {
        /** No bot crossed a boundary. */
        public static final Crossings NONE = new Crossings(0, 0, 0, 0, 0);

        static Crossings of(final org.HdrHistogram.Histogram gaps, final long seamless) {
            final long count = gaps.getTotalCount();
            return count == 0
                    ? NONE
                    : new Crossings(
                            count,
                            Math.min(count, seamless),
                            gaps.getValueAtPercentile(50),
                            gaps.getValueAtPercentile(99),
                            gaps.getMaxValue());
        }

        /** The summary line, or null when no bot crossed. */
        String line() {
            if (count == 0) {
                return null;
            }
            return String.format(
                    Locale.ROOT,
                    "bots: crossings between cells: %,d (%,d over the standby connection; gap in updates p50 %s, p99 %s,"
                            + " max %s)",
                    count,
                    seamless,
                    millis(gapP50Micros),
                    millis(gapP99Micros),
                    millis(gapMaxMicros));
        }
    }

    /**
     * Returns after a crash: how many, and the time from the break of the connection to WORLD_ENTERED
     * again, microseconds.
     */
    public record Reconnects(long count, long p50Micros, long p99Micros, long maxMicros, Steps steps) {
        /** No connection broke. */
        public static final Reconnects NONE = new Reconnects(0, 0, 0, 0, Steps.NONE);

        /**
         * The returns step by step, p50 and p99 in microseconds (see {@code BotResumeSteps}): the waits and failed
         * tries before the Resume call that was answered, that call, its answer to WELCOME (connection, TLS, HELLO,
         * the node's claim), and WELCOME to WORLD_ENTERED.
         */
        public record Steps(
                long waitsP50,
                long waitsP99,
                long resumeP50,
                long resumeP99,
                long welcomeP50,
                long welcomeP99,
                long enterP50,
                long enterP99) {
            public static final Steps NONE = new Steps(0, 0, 0, 0, 0, 0, 0, 0);
        }

        static Reconnects of(final org.HdrHistogram.Histogram breakToWorld) {
            final org.HdrHistogram.Histogram none = new org.HdrHistogram.Histogram(3);
            return of(breakToWorld, none, none, none, none);
        }

        static Reconnects of(
                final org.HdrHistogram.Histogram breakToWorld,
                final org.HdrHistogram.Histogram waits,
                final org.HdrHistogram.Histogram resume,
                final org.HdrHistogram.Histogram welcome,
                final org.HdrHistogram.Histogram enter) {
            final long count = breakToWorld.getTotalCount();
            if (count == 0) {
                return NONE;
            }
            final Steps steps = waits.getTotalCount() == 0
                    ? Steps.NONE
                    : new Steps(
                            waits.getValueAtPercentile(50),
                            waits.getValueAtPercentile(99),
                            resume.getValueAtPercentile(50),
                            resume.getValueAtPercentile(99),
                            welcome.getValueAtPercentile(50),
                            welcome.getValueAtPercentile(99),
                            enter.getValueAtPercentile(50),
                            enter.getValueAtPercentile(99));
            return new Reconnects(
                    count,
                    breakToWorld.getValueAtPercentile(50),
                    breakToWorld.getValueAtPercentile(99),
                    breakToWorld.getMaxValue(),
                    steps);
        }

        /** The summary line, or null when no bot had to come back. */
        String line() {
            if (count == 0) {
                return null;
            }
            final String line = String.format(
                    Locale.ROOT,
                    "bots: reconnected after a crash: %,d (break to back in the world p50 %s, p99 %s, max %s)",
                    count,
                    millis(p50Micros),
                    millis(p99Micros),
                    millis(maxMicros));
            if (steps.equals(Steps.NONE)) {
                return line;
            }
            return line
                    + String.format(
                            Locale.ROOT,
                            "; step by step (p50 / p99): waits and failed tries %s / %s, Resume %s / %s, to WELCOME"
                                    + " (connect, TLS, claim) %s / %s, to the world %s / %s",
                            millis(steps.waitsP50()),
                            millis(steps.waitsP99()),
                            millis(steps.resumeP50()),
                            millis(steps.resumeP99()),
                            millis(steps.welcomeP50()),
                            millis(steps.welcomeP99()),
                            millis(steps.enterP50()),
                            millis(steps.enterP99()));
        }
    }

    /**
     * The bots' items, all bots summed: new items looted, items equipped (bags included), destroyed,
     * stacks split and merged; trades opened by a bot and how trades ended for the bots in them
     * (each completed trade counts for both sides), items given in completed trades; items held
     * when the run ended and by how many bots; requests the node refused, by reason; requests
     * unanswered (given up).
     */
    public record Items(
            long looted,
            long equipped,
            long destroyed,
            long split,
            long merged,
            long tradesOpened,
            long tradesCompleted,
            long tradesCancelled,
            long tradesRefused,
            long itemsTraded,
            long held,
            long holders,
            long unanswered,
            Map<String, Long> refused) {
        /** Nothing done with items. */
        public static final Items NONE = new Items(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

        public Items {
            refused = Map.copyOf(refused);
        }

        Items plus(final BotItems bot) {
            final Map<String, Long> byReason = new TreeMap<>(refused);
            bot.refusals.forEach((reason, count) -> byReason.merge(reason.label(), count, Long::sum));
            final int held = bot.held();
            return new Items(
                    looted + bot.looted,
                    equipped + bot.equipped,
                    destroyed + bot.destroyed,
                    split + bot.split,
                    merged + bot.merged,
                    tradesOpened + bot.tradesOpened,
                    tradesCompleted + bot.tradesCompleted,
                    tradesCancelled + bot.tradesCancelled,
                    tradesRefused + bot.tradesRefused,
                    itemsTraded + bot.itemsGiven,
                    this.held + held,
                    holders + (held > 0 ? 1 : 0),
                    unanswered + bot.unanswered,
                    byReason);
        }

        /** The summary line, or null when the bots held and did nothing with items. */
        String line() {
            if (equals(NONE)) {
                return null;
            }
            return String.format(
                    Locale.ROOT,
                    "bots: items: %,d looted, %,d equipped, %,d destroyed, %,d split, %,d merged; trades: %,d "
                            + "completed, %,d cancelled, %,d refused (%,d opened), %,d items traded; %,d items held "
                            + "at the end by %,d bots; refused: %s%s",
                    looted,
                    equipped,
                    destroyed,
                    split,
                    merged,
                    tradesCompleted,
                    tradesCancelled,
                    tradesRefused,
                    tradesOpened,
                    itemsTraded,
                    held,
                    holders,
                    refused.isEmpty() ? "none" : counts(refused),
                    unanswered == 0 ? "" : String.format(Locale.ROOT, "; %,d unanswered", unanswered));
        }
    }

    /**
     * The entries into battlegrounds step by step, microseconds, per entry whose every step the bot saw
     * ({@code count} of them): its INVITE_ACCEPT to INVITE_ACCEPTED ({@code answer}: the home node and the
     * control plane), to the REDIRECT ({@code transfer}: the freeze, the departure save, the battleground node's
     * admission and claim), to the connection to the battleground's node ({@code connect}), to WORLD_ENTERED
     * there ({@code enter}).
     */
    public record EntryPhases(
            long count,
            long answerP50Micros,
            long answerP99Micros,
            long transferP50Micros,
            long transferP99Micros,
            long connectP50Micros,
            long connectP99Micros,
            long enterP50Micros,
            long enterP99Micros) {
        /** No entry seen. */
        public static final EntryPhases NONE = new EntryPhases(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** The summary line, or null when no entry was seen. */
        String line() {
            if (count == 0) {
                return null;
            }
            return String.format(
                    Locale.ROOT,
                    "bots: battleground entries step by step (p50 / p99 of %,d): accept to INVITE_ACCEPTED %s / %s, "
                            + "to REDIRECT %s / %s, to connected %s / %s, to the battleground's world %s / %s",
                    count,
                    millis(answerP50Micros),
                    millis(answerP99Micros),
                    millis(transferP50Micros),
                    millis(transferP99Micros),
                    millis(connectP50Micros),
                    millis(connectP99Micros),
                    millis(enterP50Micros),
                    millis(enterP99Micros));
        }
    }

    /**
     * The battleground bots' counts, all bots summed; the time from an accept to the battleground's
     * world in microseconds, per entry.
     */
    public record Battlegrounds(
            double share,
            long queued,
            long refused,
            long invites,
            long accepted,
            long declined,
            long declinedBusy,
            long expired,
            long entered,
            long entriesMissing,
            long matchesFinished,
            long won,
            long lost,
            long drawn,
            long leftEarly,
            long acceptToWorldP50Micros,
            long acceptToWorldP99Micros,
            long acceptToWorldMaxMicros) {
        /** Nothing yet, for bots of which {@code share} play battlegrounds. */
        public static Battlegrounds none(final double share) {
            return new Battlegrounds(share, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        Battlegrounds plus(final BotBattleground bot) {
            return new Battlegrounds(
                    share,
                    queued + bot.queued,
                    refused + bot.refused,
                    invites + bot.invites,
                    accepted + bot.accepted,
                    declined + bot.declined,
                    declinedBusy + bot.declinedBusy,
                    expired + bot.expired,
                    entered + bot.entered,
                    entriesMissing + bot.entriesMissing,
                    matchesFinished + bot.matchesFinished,
                    won + bot.won,
                    lost + bot.lost,
                    drawn + bot.drawn,
                    leftEarly + bot.leftEarly,
                    acceptToWorldP50Micros,
                    acceptToWorldP99Micros,
                    acceptToWorldMaxMicros);
        }

        Battlegrounds withAcceptToWorld(final long p50, final long p99, final long max) {
            return new Battlegrounds(
                    share,
                    queued,
                    refused,
                    invites,
                    accepted,
                    declined,
                    declinedBusy,
                    expired,
                    entered,
                    entriesMissing,
                    matchesFinished,
                    won,
                    lost,
                    drawn,
                    leftEarly,
                    p50,
                    p99,
                    max);
        }

        /** The summary line, or null when no bot plays battlegrounds. */
        String line() {
            if (share == 0 && queued == 0) {
                return null;
            }
            return String.format(
                    Locale.ROOT,
                    "bots: battlegrounds: %,d queued (%,d refused), %,d invites: %,d accepted, %,d declined "
                            + "(%,d more while busy), %,d expired; %,d entered (%,d accepts without an entry), "
                            + "%,d matches finished: %,d won, %,d lost, %,d drawn (%,d left early); accept to the "
                            + "battleground's world %s",
                    queued,
                    refused,
                    invites,
                    accepted,
                    declined,
                    declinedBusy,
                    expired,
                    entered,
                    entriesMissing,
                    matchesFinished,
                    won,
                    lost,
                    drawn,
                    leftEarly,
                    entered == 0
                            ? "not measured"
                            : "p50 " + millis(acceptToWorldP50Micros) + ", p99 " + millis(acceptToWorldP99Micros)
                                    + ", max " + millis(acceptToWorldMaxMicros));
        }
    }

    public BotReport {
        disconnects = Map.copyOf(disconnects);
        unexpectedDisconnects = Map.copyOf(unexpectedDisconnects);
        protocolErrorsByKind = Map.copyOf(protocolErrorsByKind);
        failures = Map.copyOf(failures);
        failureExamples = Map.copyOf(failureExamples);
        stateEntries = Map.copyOf(stateEntries);
        items = items == null ? Items.NONE : items;
        reconnects = reconnects == null ? Reconnects.NONE : reconnects;
        crossings = crossings == null ? Crossings.NONE : crossings;
    }

    public long unexpectedDisconnectCount() {
        return unexpectedDisconnects.values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /**
     * Every bot logged in and entered the world, no bot was disconnected unexpectedly, no frame
     * failed to decode, and no bot gave up for another reason.
     */
    public boolean ok() {
        return loggedIn == count
                && enteredWorld == count
                && unexpectedDisconnects.isEmpty()
                && protocolErrors == 0
                && failures.isEmpty();
    }

    /** The summary as lines for people, each starting with {@code bots:}. */
    public List<String> summaryLines() {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "bots: %,d of %,d logged in, %,d entered the world (%s; all in after %.1f s)",
                loggedIn,
                count,
                enteredWorld,
                loggedIn == 0
                        ? "no logins"
                        : "login p50 " + millis(loginP50Micros) + ", p99 " + millis(loginP99Micros)
                                + "; login to world p50 " + millis(loginToWorldP50Micros) + ", p99 "
                                + millis(loginToWorldP99Micros),
                loginSeconds));
        lines.add(
                samples == 0
                        ? String.format(
                                Locale.ROOT, "bots: input to state latency: no samples (%,d moves sent)", movesSent)
                        : String.format(
                                Locale.ROOT,
                                "bots: input to state latency p50 %s, p99 %s, max %s (%,d samples of %,d moves; %,d corrected)",
                                millis(latencyP50Micros),
                                millis(latencyP99Micros),
                                millis(latencyMaxMicros),
                                samples,
                                movesSent,
                                moveCorrections));
        lines.add(String.format(
                Locale.ROOT,
                "bots: saw other players: %,d of %,d bots (%,d distinct); kills %,d; loot %,d corpses, %,d copper (most money %,d); chat heard %,d",
                botsThatSawOthers,
                count,
                distinctPlayersSeen,
                kills,
                lootedCorpses,
                lootedCopper,
                maxMoneySeen,
                chatHeard));
        final String reconnectLine = reconnects.line();
        if (reconnectLine != null) {
            lines.add(reconnectLine);
        }
        final String crossingLine = crossings.line();
        if (crossingLine != null) {
            lines.add(crossingLine);
        }
        final String byReason = disconnects.isEmpty() ? "" : " (by reason: " + counts(disconnects) + ")";
        lines.add("bots: disconnects: "
                + (unexpectedDisconnects.isEmpty()
                        ? "none unexpected"
                        : unexpectedDisconnectCount() + " unexpected: " + counts(unexpectedDisconnects))
                + byReason);
        if (redirects > 0 || portalsRefused > 0) {
            lines.add(String.format(
                    Locale.ROOT,
                    "bots: portals: %,d redirects (%,d over a standby connection, no reconnect), "
                            + "%,d entries into dungeons, %,d portals that led nowhere",
                    redirects,
                    standbyTakeovers,
                    instancesEntered,
                    portalsRefused));
            lines.add(String.format(
                    Locale.ROOT,
                    "bots: redirect gap (last state from the old node to the first from the new) "
                            + "p50 %s, p99 %s, max %s",
                    millis(redirectGapP50Micros),
                    millis(redirectGapP99Micros),
                    millis(redirectGapMaxMicros)));
        }
        final String battlegroundLine = battlegrounds.line();
        if (battlegroundLine != null) {
            lines.add(battlegroundLine);
        }
        final String itemsLine = items.line();
        if (itemsLine != null) {
            lines.add(itemsLine);
        }
        final String entryLine = entryPhases.line();
        if (entryLine != null) {
            lines.add(entryLine);
        }
        final List<String> errors = new ArrayList<>();
        if (protocolErrors > 0) {
            errors.add(protocolErrors + " protocol errors (" + counts(protocolErrorsByKind) + ")");
        }
        failures.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e ->
                        errors.add(e.getKey() + " failed for " + e.getValue() + (e.getValue() == 1 ? " bot" : " bots")
                                + (failureExamples.containsKey(e.getKey())
                                        ? ", e.g. " + failureExamples.get(e.getKey())
                                        : "")));
        lines.add("bots: errors: " + (errors.isEmpty() ? "none" : String.join("; ", errors)));
        return lines;
    }

    /** The report as one JSON object, keys in snake_case. */
    public String toJson() {
        final StringBuilder json = new StringBuilder(1024).append('{');
        field(json, "ok", ok());
        field(json, "count", count);
        field(json, "logged_in", loggedIn);
        field(json, "entered_world", enteredWorld);
        field(json, "login_p50_micros", loginP50Micros);
        field(json, "login_p99_micros", loginP99Micros);
        field(json, "login_to_world_p50_micros", loginToWorldP50Micros);
        field(json, "login_to_world_p99_micros", loginToWorldP99Micros);
        field(json, "login_seconds", loginSeconds);
        field(json, "world_seconds", worldSeconds);
        field(json, "latency_p50_micros", latencyP50Micros);
        field(json, "latency_p99_micros", latencyP99Micros);
        field(json, "latency_max_micros", latencyMaxMicros);
        field(json, "samples", samples);
        field(json, "moves_sent", movesSent);
        field(json, "move_corrections", moveCorrections);
        field(json, "redirects", redirects);
        field(json, "standby_takeovers", standbyTakeovers);
        field(json, "redirect_gap_p50_micros", redirectGapP50Micros);
        field(json, "redirect_gap_p99_micros", redirectGapP99Micros);
        field(json, "redirect_gap_max_micros", redirectGapMaxMicros);
        field(json, "instances_entered", instancesEntered);
        field(json, "portals_refused", portalsRefused);
        field(json, "bots_that_saw_others", botsThatSawOthers);
        field(json, "distinct_players_seen", distinctPlayersSeen);
        field(json, "kills", kills);
        field(json, "looted_corpses", lootedCorpses);
        field(json, "looted_copper", lootedCopper);
        field(json, "max_money_seen", maxMoneySeen);
        field(json, "chat_heard", chatHeard);
        field(json, "protocol_errors", protocolErrors);
        map(json, "disconnects", disconnects);
        map(json, "unexpected_disconnects", unexpectedDisconnects);
        map(json, "protocol_errors_by_kind", protocolErrorsByKind);
        map(json, "failures", failures);
        map(json, "failure_examples", failureExamples);
        map(json, "state_entries", stateEntries);
        field(json, "battleground_queued", battlegrounds.queued());
        field(json, "battleground_invites", battlegrounds.invites());
        field(json, "battleground_accepted", battlegrounds.accepted());
        field(json, "battleground_declined", battlegrounds.declined());
        field(json, "battleground_expired", battlegrounds.expired());
        field(json, "battleground_entered", battlegrounds.entered());
        field(json, "battleground_matches_finished", battlegrounds.matchesFinished());
        field(json, "battleground_won", battlegrounds.won());
        field(json, "battleground_lost", battlegrounds.lost());
        field(json, "battleground_drawn", battlegrounds.drawn());
        field(json, "battleground_left_early", battlegrounds.leftEarly());
        field(json, "battleground_accept_to_world_p50_micros", battlegrounds.acceptToWorldP50Micros());
        field(json, "battleground_accept_to_world_p99_micros", battlegrounds.acceptToWorldP99Micros());
        field(json, "battleground_entry_answer_p99_micros", entryPhases.answerP99Micros());
        field(json, "battleground_entry_transfer_p99_micros", entryPhases.transferP99Micros());
        field(json, "battleground_entry_connect_p99_micros", entryPhases.connectP99Micros());
        field(json, "battleground_entry_enter_p99_micros", entryPhases.enterP99Micros());
        field(json, "items_looted", items.looted());
        field(json, "items_equipped", items.equipped());
        field(json, "items_destroyed", items.destroyed());
        field(json, "items_split", items.split());
        field(json, "items_merged", items.merged());
        field(json, "trades_opened", items.tradesOpened());
        field(json, "trades_completed", items.tradesCompleted());
        field(json, "trades_cancelled", items.tradesCancelled());
        field(json, "trades_refused", items.tradesRefused());
        field(json, "items_traded", items.itemsTraded());
        field(json, "items_held", items.held());
        field(json, "item_holders", items.holders());
        field(json, "item_requests_unanswered", items.unanswered());
        map(json, "item_refusals", items.refused());
        field(json, "crossings", crossings.count());
        field(json, "crossings_seamless", crossings.seamless());
        field(json, "crossing_gap_p99_micros", crossings.gapP99Micros());
        field(json, "reconnected_after_crash", reconnects.count());
        field(json, "reconnect_p50_micros", reconnects.p50Micros());
        field(json, "reconnect_p99_micros", reconnects.p99Micros());
        field(json, "reconnect_max_micros", reconnects.maxMicros());
        field(json, "reconnect_waits_p99_micros", reconnects.steps().waitsP99());
        field(json, "reconnect_resume_p99_micros", reconnects.steps().resumeP99());
        field(json, "reconnect_welcome_p99_micros", reconnects.steps().welcomeP99());
        field(json, "reconnect_enter_p99_micros", reconnects.steps().enterP99());
        json.setLength(json.length() - 1);
        return json.append('}').toString();
    }

    static String millis(final long micros) {
        final double ms = micros / 1000.0;
        return ms < 10
                ? String.format(Locale.ROOT, "%.1f ms", ms)
                : String.format(Locale.ROOT, "%,d ms", Math.round(ms));
    }

    private static String counts(final Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void field(final StringBuilder json, final String name, final Object value) {
        quote(json, name).append(':');
        if (value instanceof String text) {
            quote(json, text);
        } else if (value instanceof Double d) {
            json.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
        } else {
            json.append(value);
        }
        json.append(',');
    }

    private static void map(final StringBuilder json, final String name, final Map<String, ?> values) {
        quote(json, name).append(":{");
        values.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> field(json, e.getKey(), e.getValue()));
        if (json.charAt(json.length() - 1) == ',') {
            json.setLength(json.length() - 1);
        }
        json.append("},");
    }

    private static StringBuilder quote(final StringBuilder json, final String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
