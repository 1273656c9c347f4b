package io.realmcluster.tools.bots;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's battleground life, on its loop's thread: it waits a while in the world, joins every
 * battleground's queue its level fits (up to three), answers an invite after a human-like delay
 * (declining a few), and, once the entry has taken it onto the battleground's map, reads the match
 * (BATTLEGROUND_STATE): it stays near its start while the gates are closed, plays the objective
 * while the match runs, counts the outcome (won, lost, drawn) at the end and waits to be sent
 * home; a few matches it leaves early instead (which gives Deserter). Then it rests and queues again.
 *
 * <p>Its step is a {@link Step}, changed by {@link #step(Step, long, String)} alone. What it sends and
 * where it walks goes through {@link Actions}, so that the decisions are tested without a node.
 */
final class BotBattleground {
    private static final Logger LOG = LoggerFactory.getLogger(BotBattleground.class);

    /** Battleground ids of the client protocol. */
    static final int WARSONG_GULCH = 1;

    static final int ARATHI_BASIN = 2;
    static final int ALTERAC_VALLEY = 3;

    /** The battlegrounds' maps, by battleground id (index 0 unused). */
    static final int[] MAPS = {-1, 489, 529, 30};
    /** The lowest level of each battleground, by id. */
    private static final int[] MIN_LEVEL = {0, 10, 20, 51};

    private static final int MAX_LEVEL = 60;
    /** A player may wait in three queues at once. */
    static final int MAX_QUEUES = 3;

    /** The shortest wait before answering an invite: reading it, a glance at the map. */
    static final long ANSWER_MIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The answer comes within this much after {@link #ANSWER_MIN_NANOS}, uniformly. */
    static final long ANSWER_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** An answer is sent at least this long before the invite's deadline. */
    static final long ANSWER_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The share of invites a bot declines. */
    static final double DECLINE_SHARE = 0.03;
    /** The first queue comes within this much of entering the world, spread so the bots do not join at once. */
    static final long FIRST_QUEUE_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** After a match (or a declined or lost invite) a bot rests at least this long before it queues again. */
    static final long REST_MIN_NANOS = TimeUnit.SECONDS.toNanos(20);

    static final long REST_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(40);
    /**
     * A bot queued this long without an invite joins its queues again (idempotent for a ticket still
     * there): a ticket can be gone without a word to the player (away too long, a proposal put back).
     */
    static final long REQUEUE_AFTER_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** An accepted invite whose entry did not take the bot onto the battleground's map within this is given up. */
    static final long ENTRY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long an Arathi Basin bot holds a base before it goes for another. */
    static final long HOLD_MIN_NANOS = TimeUnit.SECONDS.toNanos(45);

    static final long HOLD_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(45);
    /** A bot that leaves a match early does so this long after the gates open, and within the spread after. */
    static final long LEAVE_MIN_NANOS = TimeUnit.SECONDS.toNanos(20);

    static final long LEAVE_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How far a bot strays from where it stands while the gates are closed or once the match is over. */
    static final float STAY_YARDS = 8f;

    /** BATTLEGROUND_STATE's phases and sides on the wire; {@link #PHASE_UNKNOWN} before the first. */
    static final int PHASE_UNKNOWN = -1;

    static final int PHASE_PREPARATION = 0;
    static final int PHASE_RUNNING = 1;
    static final int PHASE_ENDED = 2;
    static final int ALLIANCE = 1;
    static final int HORDE = 2;
    static final int DRAW = 3;
    private static final long NEVER = Long.MIN_VALUE;

    // Where the objectives are (the node's world/battleground/BattlegroundMaps holds the same points).
    /** Warsong Gulch's flags: the Alliance's (index 0), the Horde's (1). */
    static final float[][] WSG_FLAGS = {{1540.4f, 1481.3f}, {916.0f, 1434.4f}};
    /** Arathi Basin's bases: Stables, Blacksmith, Farm, Lumber Mill, Gold Mine. */
    static final float[][] AB_BASES = {
        {1166.8f, 1200.1f}, {977.0f, 1046.6f}, {806.2f, 874.3f}, {856.1f, 1148.9f}, {1146.9f, 848.2f}
    };
    /** Alterac Valley's Field of Strife, halfway between the two starts, where the sides meet. */
    static final float[] AV_FIELD = {-282.4f, -550.7f};

    static final float FLAG_TOUCH_YARDS = 2f;
    static final float BASE_HOLD_YARDS = 10f;
    static final float FIELD_YARDS = 40f;

    /** Where a bot is in its battleground life. */
    enum Step {
        /** Not a battleground bot, or its level fits no battleground. */
        OFF,
        /** In the world, queueing at {@code nextAt}. */
        RESTING,
        /** In the queues it joined, waiting for an invite. */
        QUEUED,
        /** Invited: answers at {@code nextAt}. */
        INVITED,
        /** Accepted: waiting for the entry onto the battleground's map. */
        ACCEPTED,
        /** On the battleground's map, playing the objective. */
        IN_BATTLEGROUND
    }

    /** What the bot does on the machine's word: the node's messages and where it walks. */
    interface Actions {
        void join(int battleground);

        void leave(int battleground);

        void answer(String matchId, boolean accept);

        /** BATTLEGROUND_LEAVE: home before the end. */
        void leaveBattleground();

        /** Walk to (x, y) and stay within {@code radius} of it, fighting what comes. */
        void goal(float x, float y, float radius);

        /** Whether the bot is within the goal's radius. */
        boolean atGoal();

        /** Stay within {@code radius} of where the bot stands. */
        void stay(float radius);
    }

    private final String character;
    private final boolean goer;
    /** The share of matches this bot leaves early. */
    private final double leaveShare;

    private final Actions actions;
    private final RandomGenerator random;

    private Step step;
    private final int[] entries = new int[Step.values().length];
    private int level;
    private boolean inWorld;
    /** When the current step's next thing is due (queue, answer, give up on the entry, next base), nano time. */
    private long nextAt;
    /** When the objective's next waypoint is due (Arathi Basin's holds), nano time. */
    private long holdUntil;
    /** Battlegrounds joined (bit per id) and not yet refused or popped. */
    private int queues;

    private String matchId;
    private int battleground;
    private boolean accept;
    private int team;
    private long acceptedAt;
    /** From the last accept to the entry onto the battleground's map, until the bot records it; else -1. */
    private long acceptToWorldNanos = -1;

    private int waypoint;
    /** The match's phase as its last BATTLEGROUND_STATE said, {@link #PHASE_UNKNOWN} before. */
    private int phase = PHASE_UNKNOWN;
    /** When the bot leaves this match early, nano time, or {@link #NEVER}. */
    private long leaveAt = NEVER;
    /** The bot sent BATTLEGROUND_LEAVE and waits to be sent home: it plays and counts no more. */
    private boolean leaving;
    /** The last match's score as its last BATTLEGROUND_STATE said: Alliance's, Horde's. */
    private long allianceScore;

    private long hordeScore;

    long queued;
    long refused;
    long invites;
    long accepted;
    long declined;
    /** Invites that came while the bot was answering or holding another: declined at once. */
    long declinedBusy;

    long expired;
    long entered;
    long entriesMissing;
    long matchesFinished;
    long won;
    long lost;
    long drawn;
    /** Matches the bot left early (BATTLEGROUND_LEAVE while running). */
    long leftEarly;

    BotBattleground(final String character, final boolean goer, final Actions actions, final RandomGenerator random) {
        this(character, goer, 0, actions, random);
    }

    /** A bot that leaves {@code leaveShare} (0 to 1) of its matches early. */
    BotBattleground(
            final String character,
            final boolean goer,
            final double leaveShare,
            final Actions actions,
            final RandomGenerator random) {
        this.character = character;
        this.goer = goer;
        this.leaveShare = leaveShare;
        this.actions = actions;
        this.random = random;
        this.step = goer ? Step.RESTING : Step.OFF;
        this.nextAt = Long.MIN_VALUE;
    }

    /** The battlegrounds (ids) a character of {@code level} may queue for, at most {@link #MAX_QUEUES}; bit per id. */
    static int fitting(final int level) {
        int fits = 0;
        for (int bg = WARSONG_GULCH; bg <= ALTERAC_VALLEY && Integer.bitCount(fits) < MAX_QUEUES; bg++) {
            if (level >= MIN_LEVEL[bg] && level <= MAX_LEVEL) {
                fits |= 1 << bg;
            }
        }
        return fits;
    }

    /** The battleground (id) whose map is {@code mapId}, or 0. */
    static int battlegroundOfMap(final int mapId) {
        for (int bg = WARSONG_GULCH; bg <= ALTERAC_VALLEY; bg++) {
            if (MAPS[bg] == mapId) {
                return bg;
            }
        }
        return 0;
    }

    /** How long after an invite with {@code secondsLeft} to answer the bot answers, within its bounds. */
    static long answerDelay(final RandomGenerator random, final int secondsLeft) {
        final long delay = ANSWER_MIN_NANOS + (long) (random.nextDouble() * ANSWER_SPREAD_NANOS);
        final long latest = TimeUnit.SECONDS.toNanos(secondsLeft) - ANSWER_MARGIN_NANOS;
        return Math.max(0, Math.min(delay, latest));
    }

    /** The one place the step changes: counted, and logged at debug. */
    private void step(final Step next, final long now, final String reason) {
        if (next == step) {
            return;
        }
        LOG.debug("bot {}: battleground {} -> {} ({})", character, step, next, reason);
        step = next;
        entries[next.ordinal()]++;
        if (next == Step.RESTING) {
            nextAt = now + REST_MIN_NANOS + (long) (random.nextDouble() * REST_SPREAD_NANOS);
        }
    }

    // ---- what the bot tells it ----

    /** SELF_STATE's level. */
    void level(final int newLevel) {
        level = newLevel;
    }

    /** WORLD_ENTERED on {@code mapId}: the entry into a battleground, home again, or the first entry. */
    void enteredWorld(final int mapId, final long now) {
        inWorld = true;
        if (step == Step.OFF) {
            return;
        }
        final int bgHere = battlegroundOfMap(mapId);
        if (bgHere != 0 && step != Step.IN_BATTLEGROUND) {
            if (step == Step.ACCEPTED) {
                entered++;
                acceptToWorldNanos = Math.max(0, now - acceptedAt);
            }
            battleground = bgHere;
            waypoint = 0;
            phase = PHASE_UNKNOWN;
            leaveAt = NEVER;
            leaving = false;
            step(Step.IN_BATTLEGROUND, now, "entered map " + mapId);
            // Near the start until the match says it runs.
            actions.stay(STAY_YARDS);
            return;
        }
        if (bgHere != 0) {
            // The same match again (its instance moved to another node): the bot's play starts over there.
            if (phase == PHASE_RUNNING && !leaving) {
                nextWaypoint(now);
            } else {
                actions.stay(STAY_YARDS);
            }
            return;
        }
        if (step == Step.IN_BATTLEGROUND) {
            matchesFinished++;
            matchId = null;
            step(Step.RESTING, now, "home again on map " + mapId);
            return;
        }
        if (step == Step.RESTING && nextAt == Long.MIN_VALUE) {
            nextAt = now + (long) (random.nextDouble() * FIRST_QUEUE_SPREAD_NANOS);
        }
    }

    /** The time from the last accept to the entry just made, nanoseconds, once (then -1); -1 when there is none. */
    long takeAcceptToWorld() {
        final long t = acceptToWorldNanos;
        acceptToWorldNanos = -1;
        return t;
    }

    /** Out of the world (a redirect on its way, or the end of the run). */
    void leftWorld() {
        inWorld = false;
    }

    /** QUEUE_REFUSED for {@code bg} (0: an answer or a status request). */
    void refused(final int bg, final String reason, final long now) {
        refused++;
        LOG.debug("bot {}: battleground {} refused: {}", character, bg, reason);
        if (bg > 0 && bg <= ALTERAC_VALLEY) {
            queues &= ~(1 << bg);
        }
        if (step == Step.QUEUED && queues == 0) {
            step(Step.RESTING, now, "every queue refused");
        } else if (step == Step.ACCEPTED && bg == 0) {
            // The accept itself was refused (expired on the way): nothing to wait for.
            matchId = null;
            step(Step.RESTING, now, "accept refused: " + reason);
        }
    }

    /** BATTLEGROUND_INVITE. */
    void invited(final int bg, final int secondsLeft, final String match, final long now) {
        if (step == Step.OFF) {
            return;
        }
        invites++;
        if (step == Step.INVITED || step == Step.ACCEPTED || step == Step.IN_BATTLEGROUND) {
            if (!match.equals(matchId)) {
                declinedBusy++;
                actions.answer(match, false);
            }
            return;
        }
        matchId = match;
        battleground = bg;
        queues &= ~(1 << bg);
        accept = random.nextDouble() >= DECLINE_SHARE;
        nextAt = now + answerDelay(random, secondsLeft);
        step(Step.INVITED, now, "invited to " + match);
    }

    /** INVITE_GONE: the invite ran out (or the match ended) before the bot entered; or its decline was taken. */
    void inviteGone(final int bg, final String match, final long now) {
        if (!match.equals(matchId)) {
            return;
        }
        if (step == Step.INVITED || step == Step.ACCEPTED) {
            expired++;
            matchId = null;
            step(queues != 0 ? Step.QUEUED : Step.RESTING, now, "invite " + match + " gone");
            nextAt = step == Step.QUEUED ? now + REQUEUE_AFTER_NANOS : nextAt;
        }
    }

    /** INVITE_ACCEPTED: the seat is the bot's, on {@code team}. */
    void inviteAccepted(final int bg, final int newTeam, final String match) {
        if (match.equals(matchId)) {
            team = newTeam;
        }
    }

    /**
     * BATTLEGROUND_STATE of the match the bot is in: {@code newPhase} and {@code winner} as on the wire. The
     * gates opening start the play (and, for a few matches, the time to leave early); the end stops it and
     * counts the outcome once.
     */
    void state(final int newPhase, final int winner, final long alliance, final long horde, final long now) {
        if (step != Step.IN_BATTLEGROUND || leaving) {
            return;
        }
        allianceScore = alliance;
        hordeScore = horde;
        if (newPhase == phase) {
            return;
        }
        final int before = phase;
        phase = newPhase;
        if (newPhase == PHASE_RUNNING) {
            LOG.debug("bot {}: the gates are open", character);
            if (leaveShare > 0 && random.nextDouble() < leaveShare) {
                leaveAt = now + LEAVE_MIN_NANOS + (long) (random.nextDouble() * LEAVE_SPREAD_NANOS);
            }
            nextWaypoint(now);
        } else if (newPhase == PHASE_ENDED) {
            if (before != PHASE_UNKNOWN) {
                // Not for a bot that came in after the end: it played no part.
                countOutcome(winner);
            }
            leaveAt = NEVER;
            actions.stay(STAY_YARDS);
        }
    }

    private void countOutcome(final int winner) {
        if (winner == DRAW) {
            drawn++;
        } else if ((winner == ALLIANCE || winner == HORDE) && (team == ALLIANCE || team == HORDE)) {
            if (winner == team) {
                won++;
            } else {
                lost++;
            }
        }
        LOG.debug(
                "bot {}: match {} ended, winner {}, {} to {} (Alliance to Horde)",
                character,
                matchId,
                winner,
                allianceScore,
                hordeScore);
    }

    /** One 50 ms step of the bot's loop. */
    void tick(final long now) {
        switch (step) {
            case RESTING -> {
                if (inWorld && level > 0 && nextAt != Long.MIN_VALUE && now - nextAt >= 0) {
                    queueAll(now);
                }
            }
            case QUEUED -> {
                if (now - nextAt >= 0) {
                    queueAll(now);
                }
            }
            case INVITED -> {
                if (now - nextAt >= 0) {
                    answer(now);
                }
            }
            case ACCEPTED -> {
                if (now - acceptedAt > ENTRY_WAIT_NANOS) {
                    entriesMissing++;
                    matchId = null;
                    step(
                            Step.RESTING,
                            now,
                            "no entry within " + TimeUnit.NANOSECONDS.toSeconds(ENTRY_WAIT_NANOS) + " s");
                }
            }
            case IN_BATTLEGROUND -> {
                if (!inWorld || phase != PHASE_RUNNING || leaving) {
                    return;
                }
                if (leaveAt != NEVER && now - leaveAt >= 0) {
                    // Early: the node sends it home with Deserter; it waits for that REDIRECT as at the end.
                    leaveAt = NEVER;
                    leaving = true;
                    leftEarly++;
                    actions.leaveBattleground();
                    actions.stay(STAY_YARDS);
                    return;
                }
                // Alterac Valley's bots stay on the field; the others move on once there (and held it).
                if (battleground != ALTERAC_VALLEY && actions.atGoal() && now - holdUntil >= 0) {
                    nextWaypoint(now);
                }
            }
            default -> {}
        }
    }

    private void queueAll(final long now) {
        final int fits = fitting(level);
        if (fits == 0) {
            step(Step.OFF, now, "level " + level + " fits no battleground");
            return;
        }
        for (int bg = WARSONG_GULCH; bg <= ALTERAC_VALLEY; bg++) {
            if ((fits & (1 << bg)) != 0) {
                actions.join(bg);
                queued++;
            }
        }
        queues = fits;
        step(Step.QUEUED, now, "joined " + Integer.bitCount(fits) + " queues");
        nextAt = now + REQUEUE_AFTER_NANOS;
    }

    private void answer(final long now) {
        actions.answer(matchId, accept);
        if (!accept) {
            declined++;
            matchId = null;
            step(queues != 0 ? Step.QUEUED : Step.RESTING, now, "declined");
            nextAt = step == Step.QUEUED ? now + REQUEUE_AFTER_NANOS : nextAt;
            return;
        }
        accepted++;
        acceptedAt = now;
        // One battleground at a time: the other queues go (and any invite of theirs not yet answered).
        for (int bg = WARSONG_GULCH; bg <= ALTERAC_VALLEY; bg++) {
            if ((queues & (1 << bg)) != 0) {
                actions.leave(bg);
            }
        }
        queues = 0;
        step(Step.ACCEPTED, now, "accepted " + matchId);
    }

    /** The objective's next point: Warsong Gulch's flags in turn, an Arathi Basin base, the Field of Strife. */
    private void nextWaypoint(final long now) {
        final int side = team == 2 ? 1 : 0;
        switch (battleground) {
            case WARSONG_GULCH -> {
                // Run for the enemy's flag, then home with it.
                final float[] flag = WSG_FLAGS[waypoint % 2 == 0 ? 1 - side : side];
                actions.goal(flag[0], flag[1], FLAG_TOUCH_YARDS);
                holdUntil = now;
            }
            case ARATHI_BASIN -> {
                final float[] base = AB_BASES[random.nextInt(AB_BASES.length)];
                actions.goal(base[0], base[1], BASE_HOLD_YARDS);
                holdUntil = now + HOLD_MIN_NANOS + (long) (random.nextDouble() * HOLD_SPREAD_NANOS);
            }
            default -> {
                actions.goal(AV_FIELD[0], AV_FIELD[1], FIELD_YARDS);
                holdUntil = now;
            }
        }
        waypoint++;
    }

    // ---- for the report and tests ----

    Step step() {
        return step;
    }

    int entries(final Step entered) {
        return entries[entered.ordinal()];
    }

    long nextAt() {
        return nextAt;
    }

    int queues() {
        return queues;
    }

    int team() {
        return team;
    }

    int phase() {
        return phase;
    }

    /** The last match's score as the bot last saw it: {Alliance's, Horde's}. */
    long[] score() {
        return new long[] {allianceScore, hordeScore};
    }

    @Override
    public String toString() {
        return character + " " + step.name().toLowerCase(Locale.ROOT);
    }
}
