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
 * <p>How it plays the objective follows the match's objectives as BATTLEGROUND_STATE shows them and a
 * {@link Role} stable for the match (from its character): in Warsong Gulch attackers take the enemy's
 * flag and carry it home (waiting at their base while their own flag is away), defenders hold their
 * flag room, hunters chase their own flag's carrier and return it when dropped; in Arathi Basin each
 * bot holds one of the three bases nearest its side, or raids the bases the enemy holds.
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

    /** A Warsong Gulch carrier stands this close to its flag's stand to capture (the node's touch is 5 yards). */
    static final float CAPTURE_YARDS = 2f;
    /** How far defenders stray from their flag's stand, and attackers from the enemy's while they wait for it. */
    static final float FLAG_ROOM_YARDS = 10f;
    /** How far hunters stray from their post, a quarter of the way from their flag's stand to the enemy's. */
    static final float POST_YARDS = 20f;
    /** How close a hunter keeps to the carrier it chases (the bots fight at range). */
    static final float HUNT_YARDS = 5f;
    /** A goal that moved less than this is not sent again (a carrier's flag moves with him). */
    static final float GOAL_SLACK_YARDS = 3f;

    /** Objective states on the wire (BATTLEGROUND_STATE): a flag's, a base's. */
    static final int FLAG_AT_BASE = 0;

    static final int FLAG_CARRIED = 1;
    static final int FLAG_DROPPED = 2;
    static final int BASE_CONTROLLED = 2;

    /** Arathi Basin's bases each side holds, nearest first (indexes into {@link #AB_BASES}), by side index. */
    static final int[][] AB_HELD = {{0, 1, 3}, {2, 1, 4}};

    /** A bot's part in its team, stable for the match: from its character, so every match of it plays alike. */
    enum Role {
        /** Warsong Gulch: takes the enemy's flag and carries it home. Arathi Basin: raids enemy bases. */
        ATTACKER,
        /** Warsong Gulch: holds the flag room. Arathi Basin: holds a base of its side's three. */
        DEFENDER,
        /** Warsong Gulch: chases its own flag's carrier and returns the flag. Arathi Basin: holds a base. */
        HUNTER
    }

    /** The role of {@code character}: four in ten attack, three defend, three hunt. */
    static Role roleOf(final String character) {
        final int slot = Math.floorMod(mix(character.hashCode()), 10);
        return slot < 4 ? Role.ATTACKER : slot < 7 ? Role.DEFENDER : Role.HUNTER;
    }

    /** The base (index into {@link #AB_BASES}) {@code character} holds for side {@code side} in Arathi Basin. */
    static int heldBase(final String character, final int side) {
        // Another mix than the role's, so that the holders of a base are of every role.
        return AB_HELD[side][Math.floorMod(mix(character.hashCode() * 31 + 7), AB_HELD[side].length)];
    }

    private static int mix(final int h) {
        int x = h * 0x9E3779B9;
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        return x ^ (x >>> 13);
    }

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

        /**
         * Go to (x, y) and stay within {@code radius}: fighting on the way and there, or running past
         * everyone ({@code fight} false); hunting the enemy player {@code prey} (entity id, 0 none) first.
         */
        default void goal(float x, float y, float radius, boolean fight, long prey) {
            goal(x, y, radius);
        }
    }

    private final String character;
    private final Role role;
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
    /** Until when an Arathi Basin attacker raids the base it raids, nano time. */
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

    /** The bot's own entity id in the world it is in (a flag's carrier is named by it). */
    private long self;
    /** The match's objectives as its last BATTLEGROUND_STATE said (Warsong Gulch's flags, Arathi Basin's bases). */
    private final int[] objectiveState = new int[5];

    private final int[] objectiveSide = new int[5];
    private final float[] objectiveX = new float[5];
    private final float[] objectiveY = new float[5];
    private final long[] objectiveCarrier = new long[5];
    /** The goal last sent: where, how near, fighting or not, hunting whom; {@link #goalSent} false before. */
    private boolean goalSent;

    private float goalX;
    private float goalY;
    private float goalRadius;
    private boolean goalFight;
    private long goalPrey;
    /** Arathi Basin: the enemy base the bot raids now, or -1. */
    private int raiding = -1;
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
        this.role = roleOf(character);
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
            resetObjectives();
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
            goalSent = false;
            if (phase == PHASE_RUNNING && !leaving) {
                plan(now);
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

    /** WORLD_ENTERED's entity id: the bot's own, by which BATTLEGROUND_STATE names a flag's carrier. */
    void self(final long entityId) {
        self = entityId;
    }

    /**
     * One objective of the BATTLEGROUND_STATE that follows ({@link #state}), as on the wire: its
     * state, side (0 none, 1 Alliance, 2 Horde), where it is and its carrier's entity id (0 none).
     */
    void objective(final int index, final int state, final int side, final float x, final float y, final long carrier) {
        if (index < 0 || index >= objectiveState.length) {
            return;
        }
        objectiveState[index] = state;
        objectiveSide[index] = side;
        objectiveX[index] = x;
        objectiveY[index] = y;
        objectiveCarrier[index] = carrier;
    }

    private void resetObjectives() {
        for (int flag = 0; flag < 2; flag++) {
            objectiveState[flag] = FLAG_AT_BASE;
            objectiveX[flag] = WSG_FLAGS[flag][0];
            objectiveY[flag] = WSG_FLAGS[flag][1];
            objectiveCarrier[flag] = 0;
        }
        for (int i = 0; i < objectiveState.length; i++) {
            objectiveSide[i] = 0;
            if (i >= 2) {
                objectiveState[i] = 0;
            }
        }
        goalSent = false;
        raiding = -1;
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

    /**
     * The bot's node connection broke (its node died): the queues, an invite and an accept went with
     * that session, so the bot rests and queues again once back. A match it played in is kept: Resume
     * leads back into it within the grace, or home (which {@link #enteredWorld} tells apart).
     */
    void sessionLost(final long now) {
        if (step == Step.QUEUED || step == Step.INVITED || step == Step.ACCEPTED) {
            queues = 0;
            matchId = null;
            acceptToWorldNanos = -1;
            step(Step.RESTING, now, "the session was lost");
        }
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
            if (phase == PHASE_RUNNING && inWorld) {
                // The objectives changed (or the time passed): the play follows them.
                plan(now);
            }
            return;
        }
        final int before = phase;
        phase = newPhase;
        if (newPhase == PHASE_RUNNING) {
            LOG.debug("bot {}: the gates are open, it plays as {}", character, role);
            if (leaveShare > 0 && random.nextDouble() < leaveShare) {
                leaveAt = now + LEAVE_MIN_NANOS + (long) (random.nextDouble() * LEAVE_SPREAD_NANOS);
            }
            goalSent = false;
            plan(now);
        } else if (newPhase == PHASE_ENDED) {
            if (before != PHASE_UNKNOWN) {
                // Not for a bot that came in after the end: it played no part.
                countOutcome(winner);
            }
            leaveAt = NEVER;
            goalSent = false;
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
                    goalSent = false;
                    actions.leaveBattleground();
                    actions.stay(STAY_YARDS);
                    return;
                }
                plan(now);
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

    /** Where the objective wants the bot now, sent to its play when it changed: by battleground and role. */
    private void plan(final long now) {
        final int side = team == HORDE ? 1 : 0;
        switch (battleground) {
            case WARSONG_GULCH -> planWarsongGulch(side);
            case ARATHI_BASIN -> planArathiBasin(side, now);
            default -> goal(AV_FIELD[0], AV_FIELD[1], FIELD_YARDS, true, 0);
        }
    }

    /**
     * Warsong Gulch by role. Whoever carries the enemy's flag runs home past everyone and waits at the
     * stand for its own flag. While their own flag is carried, attackers and hunters chase its carrier;
     * a dropped flag draws the hunters (their own: to return it) and the attackers (the enemy's: to take
     * it up); otherwise attackers go for the enemy's flag (or wait at its stand while a teammate carries
     * it, to take it again the moment it is captured), hunters keep their post and defenders their room.
     */
    private void planWarsongGulch(final int side) {
        final int enemy = 1 - side;
        if (self != 0 && objectiveState[enemy] == FLAG_CARRIED && objectiveCarrier[enemy] == self) {
            goal(WSG_FLAGS[side][0], WSG_FLAGS[side][1], CAPTURE_YARDS, false, 0);
            return;
        }
        final int own = objectiveState[side];
        if (own == FLAG_CARRIED && role != Role.DEFENDER) {
            goal(objectiveX[side], objectiveY[side], HUNT_YARDS, true, objectiveCarrier[side]);
            return;
        }
        switch (role) {
            case ATTACKER -> {
                final int theirs = objectiveState[enemy];
                if (theirs == FLAG_CARRIED) {
                    goal(WSG_FLAGS[enemy][0], WSG_FLAGS[enemy][1], FLAG_ROOM_YARDS, true, 0);
                } else {
                    goal(objectiveX[enemy], objectiveY[enemy], FLAG_TOUCH_YARDS, false, 0);
                }
            }
            case HUNTER -> {
                if (own == FLAG_DROPPED) {
                    goal(objectiveX[side], objectiveY[side], FLAG_TOUCH_YARDS, false, 0);
                } else {
                    final float[] home = WSG_FLAGS[side];
                    final float[] away = WSG_FLAGS[enemy];
                    goal(home[0] + (away[0] - home[0]) / 4, home[1] + (away[1] - home[1]) / 4, POST_YARDS, true, 0);
                }
            }
            case DEFENDER -> goal(WSG_FLAGS[side][0], WSG_FLAGS[side][1], FLAG_ROOM_YARDS, true, 0);
        }
    }

    /**
     * Arathi Basin: defenders and hunters hold one base of the three nearest their side (the node
     * assaults it again for them whenever the enemy took it); attackers raid the enemy's bases, the
     * nearest first, each for a while, and hold their own base while the enemy has none.
     */
    private void planArathiBasin(final int side, final long now) {
        if (role != Role.ATTACKER) {
            final float[] base = AB_BASES[heldBase(character, side)];
            goal(base[0], base[1], BASE_HOLD_YARDS, true, 0);
            return;
        }
        final int ownTeam = side + 1;
        if (raiding >= 0 && now - holdUntil < 0 && !ours(raiding, ownTeam)) {
            return;
        }
        raiding = -1;
        final float[] held = AB_BASES[heldBase(character, side)];
        float nearest = Float.MAX_VALUE;
        for (int base = 0; base < AB_BASES.length; base++) {
            if (!ours(base, ownTeam) && objectiveSide[base] != 0) {
                final float dx = AB_BASES[base][0] - held[0];
                final float dy = AB_BASES[base][1] - held[1];
                if (dx * dx + dy * dy < nearest) {
                    nearest = dx * dx + dy * dy;
                    raiding = base;
                }
            }
        }
        final float[] to = raiding >= 0 ? AB_BASES[raiding] : held;
        goal(to[0], to[1], BASE_HOLD_YARDS, true, 0);
        holdUntil = now + HOLD_MIN_NANOS + (long) (random.nextDouble() * HOLD_SPREAD_NANOS);
    }

    /** Whether base {@code base} is held by the side {@code ownTeam} (wire: 1 Alliance, 2 Horde). */
    private boolean ours(final int base, final int ownTeam) {
        return objectiveState[base] == BASE_CONTROLLED && objectiveSide[base] == ownTeam;
    }

    /** Send the goal unless it is the one sent already (give or take {@link #GOAL_SLACK_YARDS}). */
    private void goal(final float x, final float y, final float radius, final boolean fight, final long prey) {
        if (goalSent
                && radius == goalRadius
                && fight == goalFight
                && prey == goalPrey
                && (x - goalX) * (x - goalX) + (y - goalY) * (y - goalY) < GOAL_SLACK_YARDS * GOAL_SLACK_YARDS) {
            return;
        }
        goalSent = true;
        goalX = x;
        goalY = y;
        goalRadius = radius;
        goalFight = fight;
        goalPrey = prey;
        actions.goal(x, y, radius, fight, prey);
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

    Role role() {
        return role;
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
