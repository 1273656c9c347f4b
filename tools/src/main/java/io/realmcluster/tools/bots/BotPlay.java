package io.realmcluster.tools.bots;

import static io.realmcluster.proto.client.ClientProtocol.KIND_PLAYER;
import static io.realmcluster.proto.client.ClientProtocol.LENGTH_PREFIX;
import static io.realmcluster.proto.client.ClientProtocol.RECORD_LENGTH;
import static io.realmcluster.proto.client.ClientProtocol.UPDATES_FLAG_RESET;

import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages.Record;
import io.realmcluster.proto.world.Portals;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * What a bot does in the world, on its loop's thread: it wanders around a home of its own, fights
 * the weakest creature in range and loots it, chats now and then, and, if it goes through portals,
 * walks into the nearest one after its stay on each map. Its view of the world is built from the
 * node's updates; what it saw is counted for the report.
 */
final class BotPlay {
    /** Yards per second; the node allows 7. */
    static final float SPEED = 6f;

    static final float ATTACK_RANGE = 30f;
    static final float MELEE_DISTANCE = 4f;
    /**
     * How close a bot comes to an enemy player it fights: in reach, not on top of him, so that a
     * flag he drops is not returned by whoever stands over him.
     */
    static final float PLAYER_FIGHT_DISTANCE = 15f;
    /** A goal's fighter gives up a foe (not its prey) this much farther from the goal than the goal's radius. */
    static final float TETHER = 25f;

    static final float LOOT_DISTANCE = 3f;
    static final float WANDER_RADIUS = 60f;
    /** A target farther than this (it fled, or the bot was knocked away) is given up. */
    static final float LEASH = 45f;
    /** A sent position this far from where the node says the bot is means the move was refused. */
    static final float CORRECTION = 2f;

    private static final long ATTACK_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A bot without a target looks for one this often, not every tick: a look goes over everything it sees. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * The players in one update of this many are noted for the summary's count of distinct players
     * seen (and every reset's): noting all would cost the bots more than the rest of an update.
     */
    private static final int NOTE_PLAYERS_EVERY_UPDATES = 32;
    /** How long a dead target may take to show the LOOTABLE flag before the bot moves on. */
    private static final long LOOTABLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Moves without a newer acknowledgement after which the bot takes the node's last position. */
    private static final int UNACKED_MOVES_BEFORE_RESYNC = 40;
    /** How long a bot stands in a portal waiting for its redirect before it gives up on it. */
    private static final long PORTAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** A player this near may be asked to trade (the node allows 10 yards). */
    static final float TRADE_REACH = 8f;
    /** A bot walks up to a player it saw within this distance to trade with him, now and then. */
    static final float TRADE_SIGHT = 40f;
    /** How near it comes. */
    static final float TRADE_STOP = 4f;
    /** A bot gives up walking to a player to trade with after this long. */
    private static final long APPROACH_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** The share of looks for a target, without one, that set out to a player to trade with instead. */
    private static final double APPROACH_SHARE = 0.01;

    private static final Portals.Portal[] NO_PORTALS = {};
    private static final double MAX_STEP_SECONDS = 0.1;
    private static final double TWO_PI = 2 * Math.PI;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final String character;
    private final BotLoop loop;
    private final BotFleet fleet;
    private final BotConnections connections;
    private final long chatEveryNanos;
    /** How far from the entry point this bot's home may be. */
    private final float spreadYards;
    /** Whether this bot goes through portals (dungeons and back), and how long it stays on a map before it does. */
    private final boolean dungeonGoer;

    private final long stayNanos;

    private final VisibleEntities entities = new VisibleEntities();
    private final LatencyRing ring = new LatencyRing();

    private long entityId;
    private int mapId = -1;
    private float x;
    private float y;
    private float z;
    private float orientation;
    private float spawnX;
    private float spawnY;
    private float visibility = 100f;
    private int health = 1;
    private boolean nodePositionKnown;
    /** Where the node last said the bot stands (its entry, or its latest self state): its confirmed progress. */
    private float confirmedX = Float.NaN;

    private float confirmedY = Float.NaN;
    private float nodeX;
    private float nodeY;
    private int sequence;
    private long lastMoveNanos;
    private float heading;
    private long nextTurnNanos;
    private long targetId;
    private long lastAttackNanos;
    private long targetDeadSinceNanos;
    private long nextLookNanos;
    private int updates;
    private long nextChatNanos;
    private int ticks;
    private boolean experienceKnown;
    private long experience;
    /** When the last SELF_STATE came; at a redirect, kept until the first one from the new node measures the gap. */
    private long lastSelfStateNanos;

    private long redirectedAfterStateNanos;
    /** The redirect under way crosses between two cells of a split continent. */
    private boolean crossing;
    /** A crosser's walk across the middle of its continent (see {@link BotConfig#withCrossers}). */
    final BotPatrol patrol = new BotPatrol();

    private Portals.Portal[] portalsHere = NO_PORTALS;
    private Portals.Portal portalGoal;
    private long portalAfterNanos;
    private long portalWaitSinceNanos;
    /** A battleground's objective: the bot walks there and stays within the radius, fighting what comes. */
    private boolean goalSet;

    private float goalX;
    private float goalY;
    private float goalRadius;
    /** Whether the bot fights what comes on its way to the goal and there, or runs past it. */
    private boolean goalFight;
    /** The enemy player the bot hunts (its goal follows him while it sees him), or 0. */
    private long prey;

    /** The nearest other player not an enemy (one to trade with), where it was last seen; 0 for none. */
    private long fellow;

    private float fellowX;
    private float fellowY;
    /** The player the bot walks up to, to trade with, and until when; 0 for none. */
    private long approached;

    private long approachUntilNanos;

    /** Its items: the slots, and what it does with them. */
    final BotItems items;

    boolean sawOthers;
    long kills;
    long lootedCorpses;
    long lootedCopper;
    long chatHeard;
    long money;
    long maxMoney;
    long moveCorrections;
    /** Portals walked into that did not lead anywhere within {@link #PORTAL_WAIT_NANOS}. */
    long portalsRefused;
    /** Times this bot entered a dungeon, raid or battleground. */
    long instancesEntered;

    BotPlay(
            final String character,
            final BotLoop loop,
            final BotFleet fleet,
            final BotConnections connections,
            final long chatEveryNanos,
            final float spreadYards,
            final boolean dungeonGoer,
            final long stayNanos,
            final int characterClass) {
        this.character = character;
        this.loop = loop;
        this.fleet = fleet;
        this.connections = connections;
        this.chatEveryNanos = chatEveryNanos;
        this.spreadYards = spreadYards;
        this.dungeonGoer = dungeonGoer;
        this.stayNanos = stayNanos;
        this.items = new BotItems(characterClass, loop.random, new ItemRequests());
    }

    /** The item and trade requests go on the bot's own connection. */
    private final class ItemRequests implements BotItems.Actions {
        @Override
        public void move(final int fromSlot, final int toSlot) {
            connections.send(ClientMessages.itemMove(loop.out, LENGTH_PREFIX, fromSlot, toSlot), false);
        }

        @Override
        public void split(final int fromSlot, final int toSlot, final int count) {
            connections.send(ClientMessages.itemSplit(loop.out, LENGTH_PREFIX, fromSlot, toSlot, count), false);
        }

        @Override
        public void destroy(final int slot) {
            connections.send(ClientMessages.itemDestroy(loop.out, LENGTH_PREFIX, slot), false);
        }

        @Override
        public void tradeOpen(final long partner) {
            connections.send(ClientMessages.tradeOpen(loop.out, LENGTH_PREFIX, partner), false);
        }

        @Override
        public void tradePut(final int place, final int bagSlot) {
            connections.send(ClientMessages.tradePut(loop.out, LENGTH_PREFIX, place, bagSlot), false);
        }

        @Override
        public void tradeMoney(final long copper) {
            connections.send(ClientMessages.tradeMoney(loop.out, LENGTH_PREFIX, copper), false);
        }

        @Override
        public void tradeAccept(final int version) {
            connections.send(ClientMessages.tradeAccept(loop.out, LENGTH_PREFIX, version), false);
        }

        @Override
        public void tradeCancel() {
            connections.send(ClientMessages.tradeCancel(loop.out, LENGTH_PREFIX), false);
        }
    }

    /** WORLD_ENTERED: a fresh view of a map, a home on it, and (for the first entry at once) a portal to take. */
    void entered(
            final long entity,
            final int mapId,
            final float ex,
            final float ey,
            final float ez,
            final float eo,
            final float visibilityDistance,
            final boolean firstEntry,
            final long now) {
        entityId = entity;
        this.mapId = mapId;
        x = ex;
        y = ey;
        confirmedX = ex;
        confirmedY = ey;
        z = ez;
        orientation = eo;
        heading = eo;
        // Home: somewhere in the zone around the entry point, uniformly over a disc of the spread's radius.
        final double distance = spreadYards * Math.sqrt(loop.random.nextDouble());
        final double angle = loop.random.nextDouble() * TWO_PI;
        spawnX = ex + (float) (Math.cos(angle) * distance);
        spawnY = ey + (float) (Math.sin(angle) * distance);
        if (visibilityDistance > 0 && Float.isFinite(visibilityDistance)) {
            visibility = visibilityDistance;
        }
        entities.clear();
        targetId = 0;
        fellow = 0;
        approached = 0;
        nodePositionKnown = false;
        lastMoveNanos = now;
        nextTurnNanos = now + turnDelay();
        nextChatNanos = now + (long) (loop.random.nextDouble() * chatEveryNanos);
        portalsHere = Portals.on(mapId);
        portalGoal = null;
        portalWaitSinceNanos = 0;
        goalSet = false;
        // Off to a dungeon at once on first entering the world; after a stay on every map since.
        portalAfterNanos = firstEntry ? now : now + stayNanos;
        if (Portals.entryPoint(mapId).isPresent()) {
            instancesEntered++;
        }
    }

    /** This bot walks to and fro across the middle of every continent it is on (and does nothing else there). */
    void crosser(final boolean walksAcross) {
        patrol.crosser(walksAcross, loop.random.nextBoolean());
    }

    /** Out of the world: a target or a wait in a portal of the map left means nothing any more. */
    void leftWorld() {
        items.leftWorld();
        fellow = 0;
        approached = 0;
        targetId = 0;
        targetDeadSinceNanos = 0;
        portalGoal = null;
        portalWaitSinceNanos = 0;
    }

    /** The redirect that follows crosses between two cells of one continent (or not). */
    void crossing(final boolean betweenCells) {
        crossing = betweenCells;
    }

    /** Forget the old node's view of the world: the bot is on its way to another node. */
    void leftNode() {
        forgetNode();
        redirectedAfterStateNanos = lastSelfStateNanos != 0 ? lastSelfStateNanos : System.nanoTime();
    }

    /** A state from the node left, which still showed the player the world, before the new node's first. */
    void oldNodeState(final long now) {
        if (redirectedAfterStateNanos != 0) {
            redirectedAfterStateNanos = now;
        }
    }

    /**
     * Forget the dead node's view of the world (a crash, not a redirect: no redirect gap is measured;
     * the character comes back at its last save, and WORLD_ENTERED says where).
     */
    void forgetNode() {
        entities.clear();
        ring.reset();
        targetId = 0;
        fellow = 0;
        approached = 0;
        nodePositionKnown = false;
    }

    /** One 50 ms step in the world: move (toward a target, a portal, or anywhere), then send the move. */
    void step(final long now) {
        if (!connections.writable()) {
            lastMoveNanos = now;
            return;
        }
        final float step = (float) (SPEED * Math.min((now - lastMoveNanos) / 1e9, MAX_STEP_SECONDS));
        lastMoveNanos = now;
        if ((++ticks & 7) == 0) {
            entities.forgetFartherThan(x, y, visibility);
        }
        if (nodePositionKnown && sequence - ring.lastAcked() > UNACKED_MOVES_BEFORE_RESYNC) {
            // Moves are neither acknowledged nor applied: start again from where the node has the bot.
            x = nodeX;
            y = nodeY;
            moveCorrections++;
            nodePositionKnown = false;
        }

        if (items.trading()) {
            // Face to face for the trade: walking apart would cancel it.
            approached = 0;
            items.act(now, 0, money, false);
        } else if (patrol.walks(mapId)) {
            heading = patrol.heading(mapId, x, y);
            x += (float) Math.cos(heading) * step;
            y += (float) Math.sin(heading) * step;
        } else if (goalSet) {
            towardGoal(now, step);
        } else if (portalsHere.length > 0 && dungeonGoer && now - portalAfterNanos >= 0) {
            if (!towardPortal(now, step)) {
                // In the portal, frozen until the node redirects: no moves to send.
                connections.flush();
                return;
            }
        } else {
            final float fromX = x;
            final float fromY = y;
            if (targetId == 0 && approached != 0) {
                approach(now, step);
            } else {
                fightOrWander(now, step);
            }
            final long partner = fellowInReach();
            items.act(now, partner, money, partner != 0 && partner == approached);
            if (Portals.enteredBy(portalsHere, fromX, fromY, x, y) != null) {
                // Not on its way out: it keeps clear of portals, as a player who means to stay would.
                x = fromX;
                y = fromY;
                heading += (float) Math.PI;
                nextTurnNanos = now + turnDelay();
            }
        }
        orientation = (float) (((heading % TWO_PI) + TWO_PI) % TWO_PI);

        sequence++;
        if (sequence == 0) {
            sequence = 1;
        }
        ring.sent(sequence, now, x, y);
        if (connections.datagramsActive()) {
            connections.sendDatagram(
                    ClientMessages.move(loop.out, ClientProtocol.DATAGRAM_BODY, sequence, x, y, z, orientation, 0));
        } else {
            connections.send(ClientMessages.move(loop.out, LENGTH_PREFIX, sequence, x, y, z, orientation, 0), false);
        }
        fleet.moveSent();

        if (now - nextChatNanos >= 0) {
            nextChatNanos = now + chatEveryNanos;
            connections.send(ClientMessages.say(loop.out, LENGTH_PREFIX, "hello from " + character), false);
        }
        connections.flush();
    }

    private void fightOrWander(final long now, final float step) {
        VisibleEntities.Entity target = targetId != 0 ? entities.get(targetId) : null;
        if (target != null) {
            final float d = VisibleEntities.distance(target, x, y);
            if (target.dead()) {
                if (target.lootable()) {
                    if (d <= LOOT_DISTANCE) {
                        connections.send(ClientMessages.loot(loop.out, LENGTH_PREFIX, target.id), false);
                        target = null;
                    }
                } else if (targetDeadSinceNanos == 0) {
                    targetDeadSinceNanos = now;
                } else if (now - targetDeadSinceNanos > LOOTABLE_WAIT_NANOS) {
                    target = null;
                }
            } else if (d > LEASH || (target.id != prey && beyondTether(target))) {
                target = null;
            } else if (d <= ATTACK_RANGE && now - lastAttackNanos >= ATTACK_REPEAT_NANOS) {
                connections.send(ClientMessages.attack(loop.out, LENGTH_PREFIX, target.id), false);
                lastAttackNanos = now;
            }
        }
        if (target == null) {
            targetId = 0;
            targetDeadSinceNanos = 0;
            if (health > 0 && now - nextLookNanos >= 0) {
                nextLookNanos = now + LOOK_EVERY_NANOS;
                final VisibleEntities.Entity hunted = prey != 0 ? entities.get(prey) : null;
                target = hunted != null
                                && hunted.hostilePlayer()
                                && VisibleEntities.distance(hunted, x, y) <= ATTACK_RANGE
                        ? hunted
                        : entities.pickTarget(x, y, ATTACK_RANGE);
                if (target != null && target.id != prey && beyondTether(target)) {
                    target = null;
                }
                if (target != null) {
                    targetId = target.id;
                    connections.send(ClientMessages.attack(loop.out, LENGTH_PREFIX, target.id), false);
                    lastAttackNanos = now;
                } else if (!goalSet
                        && fellow != 0
                        && items.known()
                        && loop.random.nextDouble() < APPROACH_SHARE
                        && distance(fellowX, fellowY) <= TRADE_SIGHT) {
                    approached = fellow;
                    approachUntilNanos = now + APPROACH_NANOS;
                }
            }
        }

        if (target != null) {
            final float stop = target.dead()
                    ? LOOT_DISTANCE - 0.5f
                    : target.kind == KIND_PLAYER ? PLAYER_FIGHT_DISTANCE : MELEE_DISTANCE - 0.5f;
            final float dx = target.x - x;
            final float dy = target.y - y;
            final float d = (float) Math.sqrt(dx * dx + dy * dy);
            if (d > 0.01f) {
                heading = (float) Math.atan2(dy, dx);
            }
            if (d > stop) {
                final float move = Math.min(step, d - stop);
                x += dx / d * move;
                y += dy / d * move;
            }
        } else {
            wander(now, step);
        }
    }

    /** Walk up to the player to trade with, while it is seen and the walk has not taken too long. */
    private void approach(final long now, final float step) {
        if (approached != fellow || now - approachUntilNanos > 0) {
            approached = 0;
            wander(now, step);
            return;
        }
        final float dx = fellowX - x;
        final float dy = fellowY - y;
        final float d = (float) Math.sqrt(dx * dx + dy * dy);
        if (d > 0.01f) {
            heading = (float) Math.atan2(dy, dx);
        }
        if (d > TRADE_STOP) {
            final float move = Math.min(step, d - TRADE_STOP);
            x += dx / d * move;
            y += dy / d * move;
        }
    }

    /** The player to trade with when one stands within {@link #TRADE_REACH}, else 0. */
    private long fellowInReach() {
        return fellow != 0 && distance(fellowX, fellowY) <= TRADE_REACH ? fellow : 0;
    }

    private float distance(final float toX, final float toY) {
        return (float) Math.sqrt(squaredDistance(toX, toY));
    }

    /** For comparisons on every player record of an update: no square root. */
    private float squaredDistance(final float toX, final float toY) {
        return (toX - x) * (toX - x) + (toY - y) * (toY - y);
    }

    /**
     * Walk to the nearest portal of this map and into it. False once inside: the node froze the bot
     * for its transfer and will redirect it; after {@link #PORTAL_WAIT_NANOS} without a redirect the
     * bot gives up and tries again after its stay.
     */
    private boolean towardPortal(final long now, final float step) {
        if (portalGoal == null) {
            float best = Float.MAX_VALUE;
            for (final Portals.Portal portal : portalsHere) {
                final float d = (portal.x() - x) * (portal.x() - x) + (portal.y() - y) * (portal.y() - y);
                if (d < best) {
                    best = d;
                    portalGoal = portal;
                }
            }
            targetId = 0;
        }
        if (portalGoal.contains(x, y)) {
            if (portalWaitSinceNanos == 0) {
                portalWaitSinceNanos = now;
            } else if (now - portalWaitSinceNanos > PORTAL_WAIT_NANOS) {
                portalsRefused++;
                portalGoal = null;
                portalWaitSinceNanos = 0;
                portalAfterNanos = now + stayNanos;
                return true;
            }
            return false;
        }
        final float dx = portalGoal.x() - x;
        final float dy = portalGoal.y() - y;
        final float d = (float) Math.sqrt(dx * dx + dy * dy);
        heading = (float) Math.atan2(dy, dx);
        final float move = Math.min(step, d);
        x += dx / d * move;
        y += dy / d * move;
        return true;
    }

    /** Walk to (x, y) and stay within {@code radius} of it, fighting what comes there. */
    void goal(final float x, final float y, final float radius) {
        goal(x, y, radius, true, 0);
        targetId = 0;
    }

    /**
     * Go to (x, y) and stay within {@code radius} of it: fighting what comes on the way and there, or
     * running past it and standing there ({@code fight} false); hunting {@code prey} (an enemy player's
     * entity id, 0 for none) first, following him while it sees him. A foe it fights stays its foe.
     */
    void goal(final float x, final float y, final float radius, final boolean fight, final long preyId) {
        goalSet = true;
        goalX = x;
        goalY = y;
        goalRadius = radius;
        goalFight = fight;
        prey = preyId;
        spawnX = x;
        spawnY = y;
        if (!fight) {
            targetId = 0;
        }
    }

    /** Stay within {@code radius} of where the bot stands (a battleground's gates are closed, or the match is over). */
    void stay(final float radius) {
        goal(x, y, radius);
    }

    /** Whether a foe stands so far from the goal that a bot holding the goal lets him go. */
    private boolean beyondTether(final VisibleEntities.Entity foe) {
        if (!goalSet) {
            return false;
        }
        final float limit = goalRadius + TETHER;
        final float dx = foe.x - goalX;
        final float dy = foe.y - goalY;
        return dx * dx + dy * dy > limit * limit;
    }

    /** Whether the bot has a goal and stands within its radius. */
    boolean atGoal() {
        return goalSet && (goalX - x) * (goalX - x) + (goalY - y) * (goalY - y) <= goalRadius * goalRadius;
    }

    /**
     * Straight to the goal; once there, fight or wander around it as around a home. On the way, an
     * enemy player in reach (a battleground's, the only maps with goals) is fought first, as a player
     * would: that is how flags drop and reinforcements fall. A runner fights nobody and stands at its
     * goal; a hunter's goal is its prey while it sees him.
     */
    private void towardGoal(final long now, final float step) {
        if (prey != 0) {
            final VisibleEntities.Entity hunted = entities.get(prey);
            if (hunted != null && hunted.hostilePlayer()) {
                goalX = hunted.x;
                goalY = hunted.y;
                spawnX = goalX;
                spawnY = goalY;
            }
        }
        if (!goalFight) {
            if (atGoal()) {
                // A runner at its goal waits there (a carrier for its own flag to come home).
                return;
            }
        } else if (atGoal() || targetId != 0 || entities.hostileWithin(x, y, ATTACK_RANGE)) {
            fightOrWander(now, step);
            return;
        }
        final float dx = goalX - x;
        final float dy = goalY - y;
        final float d = (float) Math.sqrt(dx * dx + dy * dy);
        heading = (float) Math.atan2(dy, dx);
        final float move = Math.min(step, d);
        x += dx / d * move;
        y += dy / d * move;
    }

    private void wander(final long now, final float step) {
        final float awayX = x - spawnX;
        final float awayY = y - spawnY;
        final boolean outward = awayX * Math.cos(heading) + awayY * Math.sin(heading) > 0;
        if (awayX * awayX + awayY * awayY > WANDER_RADIUS * WANDER_RADIUS * 4) {
            // Far from home (just entered, or chased a creature away): head straight back.
            heading = (float) Math.atan2(-awayY, -awayX);
        } else if (outward && awayX * awayX + awayY * awayY > (WANDER_RADIUS - 5) * (WANDER_RADIUS - 5)) {
            heading = (float) (Math.atan2(-awayY, -awayX) + (loop.random.nextDouble() - 0.5));
            nextTurnNanos = now + turnDelay();
        } else if (now - nextTurnNanos >= 0) {
            heading = (float) (loop.random.nextDouble() * TWO_PI);
            nextTurnNanos = now + turnDelay();
        }
        x += (float) Math.cos(heading) * step;
        y += (float) Math.sin(heading) * step;
    }

    private long turnDelay() {
        return TimeUnit.MILLISECONDS.toNanos(2000 + loop.random.nextInt(3000));
    }

    // ---- what the node says about the world ----

    /** SELF_STATE: the node's word on the bot's position, health, money and experience, and the move it acknowledges. */
    void selfState(
            final int ackedSequence,
            final float sx,
            final float sy,
            final float sz,
            final int selfHealth,
            final long selfMoney,
            final long selfExperience) {
        final long now = System.nanoTime();
        if (redirectedAfterStateNanos != 0) {
            final long gap = Math.max(0, now - redirectedAfterStateNanos) / 1000;
            loop.redirectGaps.recordValue(gap);
            if (crossing) {
                loop.crossingGaps.recordValue(gap);
                crossing = false;
            }
            redirectedAfterStateNanos = 0;
        }
        lastSelfStateNanos = now;
        final long latency = ring.acked(ackedSequence, now);
        if (latency >= 0) {
            loop.latency.recordValue(latency / 1000);
            if (Math.abs(ring.sentX(ackedSequence) - sx) > CORRECTION
                    || Math.abs(ring.sentY(ackedSequence) - sy) > CORRECTION) {
                // The node refused a move (or moved the bot itself): continue from where it has the bot.
                x = sx;
                y = sy;
                moveCorrections++;
            }
        }
        nodePositionKnown = true;
        nodeX = sx;
        nodeY = sy;
        confirmedX = sx;
        confirmedY = sy;
        z = sz;
        health = selfHealth;
        if (experienceKnown && selfExperience > experience) {
            kills++;
            fleet.kill();
        }
        experienceKnown = true;
        experience = selfExperience;
        money = selfMoney;
        maxMoney = Math.max(maxMoney, selfMoney);
    }

    void entityUpdates(final int flags, final int count, final DirectBuffer buffer, final int recordsOffset) {
        final boolean reset = (flags & UPDATES_FLAG_RESET) != 0;
        if (reset) {
            entities.clear();
        }
        final boolean notePlayers = reset || ++updates % NOTE_PLAYERS_EVERY_UPDATES == 0;
        for (int i = 0; i < count; i++) {
            final int at = recordsOffset + i * RECORD_LENGTH;
            if (Record.kind(buffer, at) == KIND_PLAYER) {
                final long id = Record.id(buffer, at);
                if (id != entityId) {
                    sawOthers = true;
                    if (notePlayers) {
                        loop.playersSeen.add(id);
                    }
                    // Only enemies it may fight are kept (a battleground's): not the thousands of a capital.
                    if ((Record.flags(buffer, at) & ClientProtocol.RECORD_FLAG_HOSTILE) != 0) {
                        entities.put(buffer, at);
                        if (id == fellow) {
                            fellow = 0;
                        }
                    } else {
                        entities.remove(id);
                        noteFellow(id, Record.x(buffer, at), Record.y(buffer, at));
                    }
                }
            } else {
                entities.put(buffer, at);
            }
        }
    }

    /** A player who is not an enemy at (px, py): the nearest such is the one to trade with. */
    private void noteFellow(final long id, final float px, final float py) {
        if (id == fellow) {
            fellowX = px;
            fellowY = py;
        } else if (fellow == 0 || squaredDistance(px, py) < squaredDistance(fellowX, fellowY)) {
            fellow = id;
            fellowX = px;
            fellowY = py;
        }
    }

    void entityGone(final int count, final DirectBuffer buffer, final int idsOffset) {
        for (int i = 0; i < count; i++) {
            final long id = buffer.getLong(idsOffset + i * 8, LE);
            entities.remove(id);
            if (id == fellow) {
                fellow = 0;
            }
        }
    }

    void chat(final long fromEntity) {
        if (fromEntity != entityId) {
            chatHeard++;
        }
    }

    /** The map the bot last entered. */
    int mapId() {
        return mapId;
    }

    /** Where the bot stands now, as it last moved itself there. */
    /** Where the node last said the bot stands; NaN before it first entered the world. */
    float confirmedX() {
        return confirmedX;
    }

    float confirmedY() {
        return confirmedY;
    }

    float x() {
        return x;
    }

    float y() {
        return y;
    }

    void looted(final long copper, final long moneyNow) {
        lootedCorpses++;
        lootedCopper += copper;
        money = moneyNow;
        maxMoney = Math.max(maxMoney, moneyNow);
    }
}
