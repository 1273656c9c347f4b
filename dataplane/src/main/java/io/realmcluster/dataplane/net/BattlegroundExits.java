package io.realmcluster.dataplane.net;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.transfer.Departures;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.dataplane.world.battleground.BattlegroundResult;
import io.realmcluster.dataplane.world.battleground.BattlegroundRewards;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.v1.BattlegroundReturn;
import io.realmcluster.proto.v1.InstanceRoute;
import io.realmcluster.proto.v1.MapKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Players leaving this node's battlegrounds for home (see docs/architecture.md, "Home from a
 * battleground"): on a player's BATTLEGROUND_LEAVE, and for everyone once its map says so
 * ({@code MapWorld.sendsEveryoneHome}), ask the control plane for the route to the player's entry point
 * (retried with backoff while there is none: the player stays in the battleground meanwhile), plan the
 * trip with what the home node's claim writes (honor, the mark, Deserter for a leave before the end),
 * and have the player's session freeze it for the transfer. When the home node claimed it, tell the
 * leader the seat is left ({@code ReportLeft}); when a match is decided, tell the leader once how it
 * ended ({@code ReportResult}). Blocking calls run on its own thread, {@code battleground-exits}.
 */
public final class BattlegroundExits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BattlegroundExits.class);
    static final long PASS_MILLIS = 500;
    static final long FIRST_RETRY_MILLIS = 200;
    static final long MAX_RETRY_MILLIS = 5_000;
    static final Duration ROUTE_DEADLINE = Duration.ofSeconds(2);
    /** How long a report is tried again while the leader cannot answer. */
    static final long REPORT_PATIENCE_MILLIS = 120_000;
    /** A trip home planned this long ago whose player still plays here never froze it: planned again. */
    static final long STALE_TRIP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final InstanceHost instances;
    private final ClientSessions sessions;
    private final Departures.Router router;
    private final BattlegroundTrips trips;
    private final MatchReports reports;
    private final EpochClock wallClock;
    private final NanoClock clock;
    private final ScheduledExecutorService thread;
    /** Players whose route home is being asked (any thread adds, the exits thread removes). */
    private final Set<Long> routing = ConcurrentHashMap.newKeySet();
    /** When each planned trip home was planned, by character key (the sessions' event loops and the exits thread). */
    private final ConcurrentHashMap<Long, Long> plannedAt = new ConcurrentHashMap<>();
    /** Matches whose result the leader took. The exits thread's. */
    private final Set<String> reported = new HashSet<>();
    /** The exits thread's: when it last warned of players who cannot go home yet, and of an unreported result. */
    private long lastRouteWarnNanos = Long.MIN_VALUE;

    private long lastReportWarnNanos = Long.MIN_VALUE;

    /** One player leaving: its session, character, battleground, side and whether it left before the end. */
    private record Leaving(
            HomeTraveller session, ClaimedCharacter character, InstanceHost.Running map, int team, boolean early) {}

    public BattlegroundExits(
            final InstanceHost instances,
            final ClientSessions sessions,
            final Departures.Router router,
            final BattlegroundTrips trips,
            final MatchReports reports,
            final EpochClock wallClock,
            final NanoClock clock) {
        this.instances = instances;
        this.sessions = sessions;
        this.router = router;
        this.trips = trips;
        this.reports = reports;
        this.wallClock = wallClock;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("battleground-exits", true));
        trips.onHome(new BattlegroundTrips.HomeOutcomes() {
            @Override
            public void arrived(final long key, final BattlegroundTrips.Homeward trip) {
                plannedAt.remove(key);
                execute(() -> reportLeft(trip, wallClock.time() + REPORT_PATIENCE_MILLIS, FIRST_RETRY_MILLIS));
            }

            @Override
            public void calledOff(final long key, final BattlegroundTrips.Homeward trip) {
                plannedAt.remove(key);
                LOG.info(
                        "the trip home of character {} of realm {} was called off; it stays in its battleground",
                        trip.characterId(),
                        trip.realm());
            }
        });
        sessions.exits(this);
    }

    /** Start the passes over this node's battlegrounds. */
    public BattlegroundExits start() {
        thread.scheduleWithFixedDelay(this::pass, PASS_MILLIS, PASS_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * The player of {@code session} on battleground {@code map} leaves: early (Deserter, no honor) unless
     * its match is decided. {@code team} is its side ({@link Team}). A session's event loop.
     */
    void leave(
            final HomeTraveller session,
            final ClaimedCharacter character,
            final InstanceHost.Running map,
            final int team) {
        home(new Leaving(session, character, map, team, map.world().battlegroundResult() == null));
    }

    /** The player's trip home is frozen or given up: its planned time is no longer needed. Any thread. */
    void dropped(final long key, final BattlegroundTrips.Homeward trip) {
        plannedAt.remove(key);
        trips.homeDropped(key, trip);
    }

    private void home(final Leaving leaving) {
        final long key = leaving.character().key();
        if (trips.goingHome(key) || !routing.add(key)) {
            return;
        }
        execute(() -> route(leaving, FIRST_RETRY_MILLIS));
    }

    /** Ask the route to the player's entry point; without one, try again after {@code backoff}. The exits thread. */
    private void route(final Leaving leaving, final long backoff) {
        final ClaimedCharacter character = leaving.character();
        final ClaimedCharacter.BattlegroundEntry entry = character.battleground();
        if (leaving.session().map() != leaving.map() || !leaving.session().inWorld()) {
            routing.remove(character.key());
            return;
        }
        if (entry == null) {
            routing.remove(character.key());
            LOG.warn(
                    "{} cannot leave battleground {}: its row names no entry point to go back to (log out: the login "
                            + "takes it home)",
                    character.nameWithRealm(),
                    leaving.map().assignment().getInstanceId());
            return;
        }
        final InstanceRoute route;
        try {
            route = router.route(entry.mapId(), character.realm(), "c" + character.key(), ROUTE_DEADLINE);
        } catch (final StatusRuntimeException e) {
            final long now = clock.nanoTime();
            if (now - lastRouteWarnNanos >= WARN_EVERY_NANOS || lastRouteWarnNanos == Long.MIN_VALUE) {
                lastRouteWarnNanos = now;
                LOG.warn(
                        "{} stays in battleground {}: no way home to map {} of realm {} yet ({}: {}); trying again",
                        character.nameWithRealm(),
                        leaving.map().assignment().getInstanceId(),
                        entry.mapId(),
                        character.realm(),
                        e.getStatus().getCode(),
                        e.getStatus().getDescription());
            }
            schedule(() -> route(leaving, Math.min(MAX_RETRY_MILLIS, backoff * 2)), backoff);
            return;
        }
        plan(leaving, entry, route);
    }

    /** Plan the trip with its reward and have the session freeze the player for it. The exits thread. */
    private void plan(
            final Leaving leaving, final ClaimedCharacter.BattlegroundEntry entry, final InstanceRoute route) {
        final ClaimedCharacter character = leaving.character();
        final InstanceHost.Running map = leaving.map();
        final BattlegroundResult result = leaving.early() ? null : map.world().battlegroundResult();
        final BattlegroundRewards.Reward reward =
                BattlegroundRewards.of(map.assignment().getMapId(), result, leaving.team(), wallClock.time());
        final String matchId = map.assignment().getOwner();
        final BattlegroundTrips.Homeward trip = new BattlegroundTrips.Homeward(
                character.realm(),
                character.characterId(),
                route,
                BattlegroundReturn.newBuilder()
                        .setMatchId(matchId)
                        .setHonor(reward.honor())
                        .setMarkTemplateId(reward.markTemplateId())
                        .setDeserterUntilUnixMs(reward.deserterUntilMillis())
                        .build(),
                result == null);
        trips.plannedHome(character.key(), trip);
        plannedAt.put(character.key(), clock.nanoTime());
        routing.remove(character.key());
        LOG.info(
                "{} goes home from match {} to map {} ({}): honor {}, mark {}, {}",
                character.nameWithRealm(),
                matchId,
                entry.mapId(),
                route.getInstance().getInstanceId(),
                reward.honor(),
                reward.markTemplateId(),
                result == null ? "Deserter (left before the end)" : "no Deserter");
        leaving.session().travelHome(trip, entry);
    }

    /** Tell the leader the player's seat is left; tried again while it cannot answer, until {@code untilMillis}. */
    private void reportLeft(final BattlegroundTrips.Homeward trip, final long untilMillis, final long backoff) {
        try {
            reports.left(trip.realm(), trip.characterId(), trip.back().getMatchId(), trip.deserted());
        } catch (final StatusRuntimeException e) {
            final Status.Code code = e.getStatus().getCode();
            if ((code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)
                    && wallClock.time() < untilMillis) {
                schedule(() -> reportLeft(trip, untilMillis, Math.min(MAX_RETRY_MILLIS, backoff * 2)), backoff);
                return;
            }
            LOG.warn(
                    "could not tell the leader that character {} of realm {} left match {}: {}",
                    trip.characterId(),
                    trip.realm(),
                    trip.back().getMatchId(),
                    e.getStatus());
        }
    }

    /** One pass over this node's battlegrounds: results to report, players to send home. The exits thread. */
    void pass() {
        try {
            final Set<String> running = new HashSet<>();
            for (final InstanceHost.Running map : instances.instances()) {
                if (map.assignment().getKind() != MapKind.MAP_KIND_BATTLEGROUND) {
                    continue;
                }
                final String matchId = map.assignment().getOwner();
                running.add(matchId);
                final BattlegroundResult result = map.world().battlegroundResult();
                if (result != null && !matchId.isEmpty() && !reported.contains(matchId)) {
                    reportResult(matchId, result);
                }
                if (map.world().sendsEveryoneHome()) {
                    sessions.forEach(session -> {
                        if (session.map() == map && session.inWorld()) {
                            session.sendHome();
                        }
                    });
                }
            }
            reported.retainAll(running);
            final long now = clock.nanoTime();
            plannedAt.forEach((key, at) -> {
                if (now - at > STALE_TRIP_NANOS) {
                    // Planned, never frozen (its map refused the command): let the next leave or pass plan it again.
                    plannedAt.remove(key, at);
                    final BattlegroundTrips.Homeward trip = trips.homeOf(key);
                    if (trip != null) {
                        trips.homeDropped(key, trip);
                    }
                }
            });
        } catch (final RuntimeException e) {
            LOG.error("a pass over this node's battlegrounds failed", e);
        }
    }

    private void reportResult(final String matchId, final BattlegroundResult result) {
        final boolean draw = result.winner() == Team.DRAW;
        final int winner = result.winner() == Team.ALLIANCE ? 1 : result.winner() == Team.HORDE ? 2 : 0;
        try {
            reports.result(matchId, winner, draw, result.allianceScore(), result.hordeScore());
            reported.add(matchId);
            LOG.info(
                    "match {} ended: {}, {} to {} (Alliance to Horde); the leader knows",
                    matchId,
                    draw ? "a draw" : Team.name(result.winner()) + " won",
                    result.allianceScore(),
                    result.hordeScore());
        } catch (final StatusRuntimeException e) {
            final Status.Code code = e.getStatus().getCode();
            if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                // Refused (a match the leader no longer keeps): asking again would not change its answer.
                reported.add(matchId);
                LOG.warn("the leader refused the result of match {}: {}", matchId, e.getStatus());
                return;
            }
            final long now = clock.nanoTime();
            if (now - lastReportWarnNanos >= WARN_EVERY_NANOS || lastReportWarnNanos == Long.MIN_VALUE) {
                lastReportWarnNanos = now;
                LOG.warn("could not tell the leader how match {} ended ({}); trying again", matchId, e.getStatus());
            }
        }
    }

    private void execute(final Runnable task) {
        try {
            thread.execute(task);
        } catch (final RejectedExecutionException stopped) {
            // The node stops.
        }
    }

    private void schedule(final Runnable task, final long millis) {
        try {
            thread.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (final RejectedExecutionException stopped) {
            // The node stops.
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
