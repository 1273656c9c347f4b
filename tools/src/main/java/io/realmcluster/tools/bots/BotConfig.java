package io.realmcluster.tools.bots;

import io.realmcluster.common.net.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link BotFleet} does: where to log in, how many bots, for how long, and how hard to push
 * the control plane while logging in.
 *
 * @param controlPlanes     control-plane replicas for the Login service, tried in order
 * @param count             bots to run
 * @param duration          how long the bots stay in the world once every bot has entered it (or failed to);
 *                          zero: until {@link BotFleet#stop()}
 * @param realm             realm of the characters
 * @param namePrefix        letters in front of every account and character name, so runs do not collide
 * @param loginConcurrency  most Login-service calls in flight at once
 * @param ioThreads         Netty event loops driving the bots
 * @param chatEvery         how often each bot says something
 * @param spreadYards       how far from where it enters each bot makes its home (wandering and fighting around
 *                          it), as players spread over a zone; 0 keeps every bot around the entry point
 * @param dungeonShare      the share of bots (0 to 1) that go through portals: on entering the world they walk
 *                          to the nearest dungeon entrance and in, stay {@code dungeonStay}, walk out, and again
 * @param dungeonStay       how long a bot that goes through portals stays on a map before it takes the next one
 * @param accountsPassword  null: each bot registers an account and a character of its own; otherwise the accounts
 *                          and characters exist (an operator made them, e.g. with realmctl create) and every bot
 *                          logs in with this password
 * @param movesOverUdp      moves as UDP datagrams once in the world, or over TCP
 * @param nodeTlsCa         the realm's CA certificate (PEM): bots speak TLS to nodes and verify that the node's
 *                          certificate is the CA's and names the address dialed; null: plaintext
 * @param battlegroundShare the share of bots (0 to 1) that queue for the battlegrounds their level fits,
 *                          accept (or decline a few) invites, play the objective, and queue again after a rest
 * @param battlegroundLeaveShare the share of matches (0 to 1) a battleground bot leaves early (BATTLEGROUND_LEAVE
 *                          while the match runs, which gives Deserter); in the others it waits to be sent home
 */
public record BotConfig(
        List<HostPort> controlPlanes,
        int count,
        Duration duration,
        String realm,
        String namePrefix,
        int loginConcurrency,
        int ioThreads,
        Duration chatEvery,
        float spreadYards,
        double dungeonShare,
        Duration dungeonStay,
        String accountsPassword,
        boolean movesOverUdp,
        Path nodeTlsCa,
        double battlegroundShare,
        double battlegroundLeaveShare,
        double crossShare) {
    /** Bots spread over {@link #DEFAULT_SPREAD_YARDS}, a start zone. */
    public static final float DEFAULT_SPREAD_YARDS = 150f;

    public BotConfig(
            final List<HostPort> controlPlanes,
            final int count,
            final Duration duration,
            final String realm,
            final String namePrefix,
            final int loginConcurrency,
            final int ioThreads,
            final Duration chatEvery) {
        this(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                DEFAULT_SPREAD_YARDS);
    }

    /** Bots that stay on the map they enter. */
    public BotConfig(
            final List<HostPort> controlPlanes,
            final int count,
            final Duration duration,
            final String realm,
            final String namePrefix,
            final int loginConcurrency,
            final int ioThreads,
            final Duration chatEvery,
            final float spreadYards) {
        this(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                0,
                Duration.ofSeconds(20),
                null,
                false,
                null,
                0,
                0,
                0);
    }

    /** The same bots, with {@code share} of them going through portals and staying {@code stay} on each map. */
    public BotConfig withDungeons(final double share, final Duration stay) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                share,
                stay,
                accountsPassword,
                movesOverUdp,
                nodeTlsCa,
                battlegroundShare,
                battlegroundLeaveShare,
                crossShare);
    }

    /** The same bots, logging in to existing accounts and characters with {@code password} instead of registering. */
    public BotConfig withExistingAccounts(final String password) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                Objects.requireNonNull(password, "password"),
                movesOverUdp,
                nodeTlsCa,
                battlegroundShare,
                battlegroundLeaveShare,
                crossShare);
    }

    /**
     * The same bots, sending their moves as UDP datagrams once in the world (everything else, and
     * what the node sends, stays on TCP), or over TCP.
     */
    public BotConfig withMovesOverUdp(final boolean udp) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                accountsPassword,
                udp,
                nodeTlsCa,
                battlegroundShare,
                battlegroundLeaveShare,
                crossShare);
    }

    /** The same bots, speaking TLS to nodes and trusting the realm's CA in {@code ca} (null: plaintext). */
    public BotConfig withNodeTls(final Path ca) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                accountsPassword,
                movesOverUdp,
                ca,
                battlegroundShare,
                battlegroundLeaveShare,
                crossShare);
    }

    /** The same bots, {@code share} of them (0 to 1) queueing for battlegrounds and playing them. */
    public BotConfig withBattlegrounds(final double share) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                accountsPassword,
                movesOverUdp,
                nodeTlsCa,
                share,
                battlegroundLeaveShare,
                crossShare);
    }

    /** The same bots, leaving {@code share} of their matches (0 to 1) early, which gives them Deserter. */
    public BotConfig withBattlegroundLeaves(final double share) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                accountsPassword,
                movesOverUdp,
                nodeTlsCa,
                battlegroundShare,
                share,
                crossShare);
    }

    /**
     * The same bots, {@code share} of them (0 to 1) walking to and fro across the middle of the continent they are
     * on, east and west, {@link BotPatrol#YARDS} each way: the boundary of a continent split in two cells,
     * crossed every few seconds.
     */
    public BotConfig withCrossers(final double share) {
        return new BotConfig(
                controlPlanes,
                count,
                duration,
                realm,
                namePrefix,
                loginConcurrency,
                ioThreads,
                chatEvery,
                spreadYards,
                dungeonShare,
                dungeonStay,
                accountsPassword,
                movesOverUdp,
                nodeTlsCa,
                battlegroundShare,
                battlegroundLeaveShare,
                share);
    }

    @Override
    public String toString() {
        // Never the password.
        return "BotConfig[" + count + " bots of " + namePrefix + " in " + realm + " via " + controlPlanes + "]";
    }

    public BotConfig {
        controlPlanes = List.copyOf(controlPlanes);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(chatEvery, "chatEvery");
        if (controlPlanes.isEmpty()) {
            throw new IllegalArgumentException("no control plane to log in through");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (loginConcurrency < 1) {
            throw new IllegalArgumentException("login concurrency must be at least 1, got " + loginConcurrency);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("io threads must be at least 1, got " + ioThreads);
        }
        if (!(spreadYards >= 0 && spreadYards <= 5_000)) {
            throw new IllegalArgumentException("spread must be 0 to 5000 yards, got " + spreadYards);
        }
        if (!(dungeonShare >= 0 && dungeonShare <= 1)) {
            throw new IllegalArgumentException("dungeon share must be 0 to 1, got " + dungeonShare);
        }
        if (!(battlegroundShare >= 0 && battlegroundShare <= 1)) {
            throw new IllegalArgumentException("battleground share must be 0 to 1, got " + battlegroundShare);
        }
        if (!(battlegroundLeaveShare >= 0 && battlegroundLeaveShare <= 1)) {
            throw new IllegalArgumentException(
                    "battleground leave share must be 0 to 1, got " + battlegroundLeaveShare);
        }
        if (!(crossShare >= 0 && crossShare <= 1)) {
            throw new IllegalArgumentException("crosser share must be 0 to 1, got " + crossShare);
        }
        Objects.requireNonNull(dungeonStay, "dungeonStay");
        if (dungeonStay.isNegative()) {
            throw new IllegalArgumentException("dungeon stay must not be negative, got " + dungeonStay);
        }
        if (chatEvery.isNegative() || chatEvery.isZero()) {
            throw new IllegalArgumentException("chat interval must be positive, got " + chatEvery);
        }
        final String problem = BotNames.checkPrefix(namePrefix, count);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
