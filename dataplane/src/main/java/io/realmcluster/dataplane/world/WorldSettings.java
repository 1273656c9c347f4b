package io.realmcluster.dataplane.world;

import io.realmcluster.proto.v1.MapKind;

/** How a kind of map simulates: tick rate, visibility, how many creatures of which levels live in how much room. */
public record WorldSettings(
        int tickHz,
        float visibilityYards,
        int creatures,
        float playAreaYards,
        int maxPlayers,
        int creatureMinLevel,
        int creatureMaxLevel) {

    /** Settings with the creature levels of a starting zone (1 to 10). */
    public WorldSettings(
            final int tickHz,
            final float visibilityYards,
            final int creatures,
            final float playAreaYards,
            final int maxPlayers) {
        this(tickHz, visibilityYards, creatures, playAreaYards, maxPlayers, 1, 10);
    }

    /**
     * Room for the frames to this map's players while the egress thread is late (2 KiB a player, 256 KiB
     * to 16 MiB): enough for the ticks of a crowded continent. Not more: a larger outbox kept frames that a
     * late egress thread would have dropped, but a player's newer frames then waited behind them, and
     * drains took longer (bench/RESULTS.md, bots).
     */
    public int outboxBytes() {
        return Math.min(16 << 20, Math.max(256 << 10, maxPlayers * 2048));
    }

    /** Defaults per kind, from the vanilla game: ~100 yd on continents, 170 in instances, 250 in battlegrounds. */
    public static WorldSettings forKind(final MapKind kind) {
        return switch (kind) {
            case MAP_KIND_CONTINENT -> new WorldSettings(20, 100f, 4000, 4000f, 5000);
            case MAP_KIND_RAID -> new WorldSettings(20, 170f, 300, 1000f, 40, 55, 63);
            case MAP_KIND_BATTLEGROUND -> new WorldSettings(20, 250f, 0, 1500f, 80);
            default -> new WorldSettings(20, 170f, 150, 800f, 10, 15, 60);
        };
    }
}
