package io.realmcluster.bench.battleground;

import com.sun.management.ThreadMXBean;
import io.realmcluster.bench.Conditions;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.dataplane.tick.MapAgent;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.MapWorld;
import io.realmcluster.dataplane.world.WorldSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundMaps;
import io.realmcluster.dataplane.world.battleground.BattlegroundSettings;
import io.realmcluster.dataplane.world.battleground.BattlegroundView;
import io.realmcluster.dataplane.world.battleground.Team;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.MapKind;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An Alterac Valley of 80 players from two realms fighting in its middle, on the tick threads of a
 * node that also runs a loaded continent: the continent's tick alone, then beside the battleground,
 * in one run, with the battleground's own tick and what its match counted.
 */
@Command(
        name = "alterac",
        mixinStandardHelpOptions = true,
        description =
                "Alterac Valley with 80 players from two realms beside a loaded continent, against the continent alone.")
public final class AlteracBench implements Callable<Integer> {
    /** The continent's budget (bench/RESULTS.md, tick): p99 of a tick's duration. */
    private static final double CONTINENT_P99_BUDGET_MS = 5.0;

    @Option(
            names = "--continent-players",
            defaultValue = "1000",
            description = "Players on the continent (default: ${DEFAULT-VALUE}).")
    int continentPlayers;

    @Option(
            names = "--creatures",
            defaultValue = "2000",
            description = "Creatures on the continent (default: ${DEFAULT-VALUE}).")
    int creatures;

    @Option(
            names = "--players",
            defaultValue = "80",
            description = "Players in Alterac Valley, half a side (default: ${DEFAULT-VALUE}).")
    int avPlayers;

    @Option(
            names = "--tick-threads",
            defaultValue = "2",
            description = "Tick threads, as a node has one per core (default: ${DEFAULT-VALUE}).")
    int tickThreads;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description = "Measured seconds per scenario (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "15",
            description = "Warm-up seconds per scenario (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        if (avPlayers < 2 || avPlayers % 2 != 0 || avPlayers > 80) {
            throw new IllegalArgumentException("--players must be even, 2 to 80 (40 a side), got " + avPlayers);
        }
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   %d tick threads; a continent of %d players moving at 20 Hz and %d creatures;%n"
                        + "            then the same beside Alterac Valley (map 30, no preparation): %d players, half a side, each side"
                        + " half of realm 'main' and half of realm 'second' with the same character ids,%n"
                        + "            fighting in the middle (moving every tick, a new foe every second);"
                        + " %d s warm-up, %d s measured per scenario%n",
                tickThreads, continentPlayers, creatures, avPlayers, warmupSeconds, seconds);
        final Result alone = run(false);
        final Result beside = run(true);
        System.out.println();
        System.out.println("tick duration (ms)");
        System.out.printf("%-44s %7s %7s %7s %7s %9s %8s%n", "map", "p50", "p99", "p99.9", "max", "overruns", "ticks");
        alone.continent.print("continent, alone");
        beside.continent.print("continent, beside Alterac Valley");
        beside.battleground.print("Alterac Valley, " + avPlayers + " players");
        System.out.printf(
                "ratio beside/alone (continent): p50 %.2fx, p99 %.2fx, p99.9 %.2fx%n",
                ratio(beside.continent.durations, alone.continent.durations, 50),
                ratio(beside.continent.durations, alone.continent.durations, 99),
                ratio(beside.continent.durations, alone.continent.durations, 99.9));
        System.out.printf(
                "tick threads' allocation: alone %d bytes, beside %d bytes, over the measured seconds%n",
                alone.allocated, beside.allocated);
        System.out.printf(
                "Alterac Valley's match: phase %s, reinforcements left Alliance %d, Horde %d; %d players slain by players;"
                        + " present %d + %d%n",
                beside.phase,
                beside.allianceScore,
                beside.hordeScore,
                beside.slain,
                beside.allianceHere,
                beside.hordeHere);
        final double avP99 = beside.battleground.durations.getValueAtPercentile(99) / 1e6;
        final double continentP99 = beside.continent.durations.getValueAtPercentile(99) / 1e6;
        System.out.printf(
                "goal: Alterac Valley's tick p99 within the continent's budget (%.1f ms): %.2f ms, %s;"
                        + " the continent beside it %.2f ms, %s%n",
                CONTINENT_P99_BUDGET_MS,
                avP99,
                avP99 <= CONTINENT_P99_BUDGET_MS ? "met" : "missed",
                continentP99,
                continentP99 <= CONTINENT_P99_BUDGET_MS ? "met" : "missed");
        return 0;
    }

    private Result run(final boolean withBattleground) throws InterruptedException {
        final List<Map> maps = new ArrayList<>();
        final Map continent = new Map(
                "continent", new WorldSettings(20, 100f, creatures, 4000f, continentPlayers + 16), 0, null, 0f, 0f);
        maps.add(continent);
        Map battleground = null;
        if (withBattleground) {
            final float[] middle = BattlegroundMaps.center(BattlegroundSettings.ALTERAC_VALLEY);
            battleground = new Map(
                    "alterac",
                    WorldSettings.forKind(MapKind.MAP_KIND_BATTLEGROUND),
                    BattlegroundSettings.ALTERAC_VALLEY,
                    BattlegroundSettings.forMap(BattlegroundSettings.ALTERAC_VALLEY, 0),
                    middle[0],
                    middle[1]);
            maps.add(battleground);
        }
        final ContinentPlayers wanderers = new ContinentPlayers(continent.ingress, continentPlayers);
        final Fighters fighters = battleground == null ? null : new Fighters(battleground, avPlayers);
        wanderers.joinAll();
        if (fighters != null) {
            fighters.joinAll();
        }
        final Drain drain = new Drain(maps);
        final Thread network = new Thread(
                () -> {
                    long next = System.nanoTime();
                    while (drain.running) {
                        wanderers.tick();
                        if (fighters != null) {
                            fighters.tick();
                        }
                        next += 50_000_000L;
                        LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                    }
                },
                "network-feeder");
        network.setDaemon(true);
        final Thread egress = new Thread(drain, "client-egress");
        egress.setDaemon(true);
        try (TickScheduler scheduler = new TickScheduler(tickThreads, Throwable::printStackTrace)) {
            maps.forEach(map -> scheduler.add(map.agent));
            network.start();
            egress.start();
            sleep(warmupSeconds);
            final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            final long[] tickThreadIds = tickThreadIds();
            final long allocatedBefore = allocated(threads, tickThreadIds);
            final long[] overrunsBefore = new long[maps.size()];
            final long[] ticksBefore = new long[maps.size()];
            for (int i = 0; i < maps.size(); i++) {
                maps.get(i).agent.stats().takeDurations();
                overrunsBefore[i] = maps.get(i).agent.stats().overruns();
                ticksBefore[i] = maps.get(i).agent.stats().ticks();
            }
            sleep(seconds);
            final long allocated = allocated(threads, tickThreadIds) - allocatedBefore;
            final List<Measured> measured = new ArrayList<>();
            for (int i = 0; i < maps.size(); i++) {
                final MapAgent agent = maps.get(i).agent;
                measured.add(new Measured(
                        agent.stats().takeDurations(),
                        agent.stats().overruns() - overrunsBefore[i],
                        agent.stats().ticks() - ticksBefore[i]));
            }
            drain.running = false;
            network.join(5_000);
            egress.join(5_000);
            final Result result = new Result(measured.get(0), withBattleground ? measured.get(1) : null, allocated);
            if (battleground != null) {
                // Read after the scheduler stopped ticking it (closing the scheduler joins its threads).
                scheduler.close();
                final BattlegroundView view = battleground.world.battleground();
                result.phase = view.phase().toString();
                result.allianceScore = view.score(Team.ALLIANCE);
                result.hordeScore = view.score(Team.HORDE);
                result.allianceHere = view.present(Team.ALLIANCE);
                result.hordeHere = view.present(Team.HORDE);
                result.slain = battleground.world.playersSlain();
            }
            return result;
        }
    }

    private static long[] tickThreadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tick-"))
                .mapToLong(Thread::getId)
                .toArray();
    }

    private static long allocated(final ThreadMXBean threads, final long[] ids) {
        long total = 0;
        for (final long id : ids) {
            total += Math.max(0, threads.getThreadAllocatedBytes(id));
        }
        return total;
    }

    private static double ratio(final Histogram over, final Histogram under, final double percentile) {
        return (double) over.getValueAtPercentile(percentile) / Math.max(1, under.getValueAtPercentile(percentile));
    }

    private static void sleep(final int seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds);
    }

    /** One map instance with its world, ring and tick agent, as a node's instance host makes it. */
    private static final class Map {
        final MapWorld world;
        final Ingress ingress = Ingress.allocate(4 << 20);
        final Outbox outbox;
        final SaveLog saves = SaveLog.allocate(8 << 20);
        final MapAgent agent;

        Map(
                final String name,
                final WorldSettings settings,
                final int mapId,
                final BattlegroundSettings battleground,
                final float centerX,
                final float centerY) {
            outbox = Outbox.allocate(settings.outboxBytes(), ClientProtocol.MAX_BODY);
            world = new MapWorld(settings, mapId, 1, centerX, centerY, saves, 1, outbox, battleground);
            agent = new MapAgent("bench." + name, ingress, world, SystemNanoClock.INSTANCE, settings.tickHz());
        }
    }

    /** The node's egress and saver side: drains every map's outbox and save log. */
    private static final class Drain implements Runnable {
        private final List<Map> maps;
        volatile boolean running = true;
        private final MessageHandler discard = (type, buffer, index, length) -> {};

        Drain(final List<Map> maps) {
            this.maps = maps;
        }

        @Override
        public void run() {
            while (running) {
                int drained = 0;
                for (final Map map : maps) {
                    drained += map.outbox.drain(discard, 16_384) + map.saves.drain(discard, 16_384);
                }
                if (drained == 0) {
                    LockSupport.parkNanos(200_000);
                }
            }
        }
    }

    /** The continent's players: each sends one legal move per tick, some attack creatures now and then. */
    private static final class ContinentPlayers {
        private final Ingress ingress;
        private final int players;
        private final float[] x;
        private final float[] y;
        private final float[] heading;
        private final SplittableRandom random = new SplittableRandom(3);
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Inputs.JOIN_LENGTH]);
        private int sequence;

        ContinentPlayers(final Ingress ingress, final int players) {
            this.ingress = ingress;
            this.players = players;
            x = new float[players];
            y = new float[players];
            heading = new float[players];
        }

        void joinAll() {
            for (int p = 0; p < players; p++) {
                x[p] = (random.nextFloat() - 0.5f) * 3800f;
                y[p] = (random.nextFloat() - 0.5f) * 3800f;
                heading[p] = random.nextFloat() * 6.28f;
                ingress.offer(
                        Inputs.PLAYER_JOIN,
                        scratch,
                        0,
                        Inputs.encodeJoin(scratch, 0, p + 1, x[p], y[p], 0f, 0f, 60, 5000, 0, p));
            }
        }

        void tick() {
            sequence++;
            for (int p = 0; p < players; p++) {
                if (random.nextInt(20) == 0) {
                    heading[p] += (random.nextFloat() - 0.5f) * 2f;
                }
                x[p] = Math.max(-1990f, Math.min(1990f, x[p] + (float) Math.cos(heading[p]) * 0.3f));
                y[p] = Math.max(-1990f, Math.min(1990f, y[p] + (float) Math.sin(heading[p]) * 0.3f));
                ingress.offer(
                        Inputs.MOVE,
                        scratch,
                        0,
                        Inputs.encodeMove(scratch, 0, p + 1, sequence, x[p], y[p], 0f, heading[p], 0));
                if (random.nextInt(200) == 0) {
                    ingress.offer(
                            Inputs.ATTACK,
                            scratch,
                            0,
                            Inputs.encodeTarget(scratch, 0, p + 1, (1L << 48) + random.nextInt(Math.max(1, 4000))));
                }
            }
        }
    }

    /**
     * Alterac Valley's players, half a side; each side half from realm 'main' and half from 'second',
     * whose databases issue the same character ids: the entity id keeps them apart (the node's
     * character key: the realm's index above the id, as a node keys visitors of several realms).
     */
    private static final class Fighters {
        private final Map map;
        private final int players;
        private final long[] entity;
        private final float[] x;
        private final float[] y;
        private final float centerX;
        private final float centerY;
        private final SplittableRandom random = new SplittableRandom(5);
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Inputs.JOIN_LENGTH]);
        private int sequence;

        Fighters(final Map map, final int players) {
            this.map = map;
            this.players = players;
            entity = new long[players];
            x = new float[players];
            y = new float[players];
            final float[] middle = BattlegroundMaps.center(BattlegroundSettings.ALTERAC_VALLEY);
            centerX = middle[0];
            centerY = middle[1];
        }

        /** Players 0 .. n/2-1 are the Alliance, the rest the Horde; within a side, the first half realm 0. */
        private byte team(final int p) {
            return p < players / 2 ? Inputs.TEAM_ALLIANCE : Inputs.TEAM_HORDE;
        }

        void joinAll() {
            final int perSide = players / 2;
            for (int p = 0; p < players; p++) {
                final int inSide = p % perSide;
                final int realm = inSide < perSide / 2 ? 0 : 1;
                final long characterId = inSide % (perSide / 2) + 1 + (team(p) == Inputs.TEAM_HORDE ? 100 : 0);
                entity[p] = CharacterKey.of(realm, characterId);
                x[p] = centerX + (random.nextFloat() - 0.5f) * 60f;
                y[p] = centerY + (random.nextFloat() - 0.5f) * 60f;
                final int length = Inputs.encodeJoin(scratch, 0, entity[p], x[p], y[p], 0f, 0f, 60, 1500, 0, p);
                Inputs.joinSide(scratch, 0, team(p) == Inputs.TEAM_ALLIANCE ? 1 : 2, team(p));
                map.ingress.offer(Inputs.PLAYER_JOIN, scratch, 0, length);
            }
        }

        void tick() {
            sequence++;
            final int perSide = players / 2;
            for (int p = 0; p < players; p++) {
                x[p] = Math.max(centerX - 40f, Math.min(centerX + 40f, x[p] + (random.nextFloat() - 0.5f) * 0.6f));
                y[p] = Math.max(centerY - 40f, Math.min(centerY + 40f, y[p] + (random.nextFloat() - 0.5f) * 0.6f));
                map.ingress.offer(
                        Inputs.MOVE,
                        scratch,
                        0,
                        Inputs.encodeMove(scratch, 0, entity[p], sequence, x[p], y[p], 0f, 0f, 0));
                if ((sequence + p) % 20 == 0) {
                    final int foe = (team(p) == Inputs.TEAM_ALLIANCE ? perSide : 0) + random.nextInt(perSide);
                    map.ingress.offer(
                            Inputs.ATTACK, scratch, 0, Inputs.encodeTarget(scratch, 0, entity[p], entity[foe]));
                }
            }
        }
    }

    private record Measured(Histogram durations, long overruns, long ticks) {
        void print(final String label) {
            System.out.printf(
                    "%-44s %7.2f %7.2f %7.2f %7.2f %9d %8d%n",
                    label,
                    durations.getValueAtPercentile(50) / 1e6,
                    durations.getValueAtPercentile(99) / 1e6,
                    durations.getValueAtPercentile(99.9) / 1e6,
                    durations.getMaxValue() / 1e6,
                    overruns,
                    ticks);
        }
    }

    private static final class Result {
        final Measured continent;
        final Measured battleground;
        final long allocated;
        String phase = "";
        long allianceScore;
        long hordeScore;
        int allianceHere;
        int hordeHere;
        long slain;

        Result(final Measured continent, final Measured battleground, final long allocated) {
            this.continent = continent;
            this.battleground = battleground;
            this.allocated = allocated;
        }
    }
}
