package io.realmcluster.dataplane.store;

import java.util.List;

/**
 * A character as a login claimed it: its row after the claim, with the epoch this node now owns it
 * at (every save of it is fenced by that epoch) and the save sequence to continue from. {@code key} names
 * it inside the node ({@link CharacterKey}), {@code realm} and {@code characterId} outside. {@code
 * deserterUntilMillis}: when its Deserter runs out (wall clock), 0 when it has none; {@code battleground}: its
 * match and entry point while it is in a battleground, else null; {@code items}: every item it holds, as its
 * last save left them (docs/architecture.md, "Items").
 */
public record ClaimedCharacter(
        long key,
        long characterId,
        long accountId,
        long epoch,
        long saveSeq,
        String realm,
        String name,
        int race,
        int characterClass,
        int level,
        long experience,
        long money,
        int mapId,
        String instanceId,
        float x,
        float y,
        float z,
        float orientation,
        long deserterUntilMillis,
        BattlegroundEntry battleground,
        List<ItemStack> items) {
    public ClaimedCharacter {
        items = List.copyOf(items);
    }

    /** A character with no items (tests, benchmarks, the ephemeral store). */
    public ClaimedCharacter(
            final long key,
            final long characterId,
            final long accountId,
            final long epoch,
            final long saveSeq,
            final String realm,
            final String name,
            final int race,
            final int characterClass,
            final int level,
            final long experience,
            final long money,
            final int mapId,
            final String instanceId,
            final float x,
            final float y,
            final float z,
            final float orientation,
            final long deserterUntilMillis,
            final BattlegroundEntry battleground) {
        this(
                key,
                characterId,
                accountId,
                epoch,
                saveSeq,
                realm,
                name,
                race,
                characterClass,
                level,
                experience,
                money,
                mapId,
                instanceId,
                x,
                y,
                z,
                orientation,
                deserterUntilMillis,
                battleground,
                List.of());
    }

    /**
     * Where a character in a battleground came from: the match and the entry point its home node saved
     * as it went in (bg_match_id, bg_entry_*), where it goes back to.
     */
    public record BattlegroundEntry(
            String matchId, int mapId, String instanceId, float x, float y, float z, float orientation) {}

    /** A character with no Deserter. */
    public ClaimedCharacter(
            final long key,
            final long characterId,
            final long accountId,
            final long epoch,
            final long saveSeq,
            final String realm,
            final String name,
            final int race,
            final int characterClass,
            final int level,
            final long experience,
            final long money,
            final int mapId,
            final String instanceId,
            final float x,
            final float y,
            final float z,
            final float orientation) {
        this(
                key,
                characterId,
                accountId,
                epoch,
                saveSeq,
                realm,
                name,
                race,
                characterClass,
                level,
                experience,
                money,
                mapId,
                instanceId,
                x,
                y,
                z,
                orientation,
                0,
                null,
                List.of());
    }

    /** This character holding {@code items} (a claim reads them after its row). */
    ClaimedCharacter withItems(final List<ItemStack> held) {
        return new ClaimedCharacter(
                key,
                characterId,
                accountId,
                epoch,
                saveSeq,
                realm,
                name,
                race,
                characterClass,
                level,
                experience,
                money,
                mapId,
                instanceId,
                x,
                y,
                z,
                orientation,
                deserterUntilMillis,
                battleground,
                held);
    }

    /** The name players of other realms see: Name-Realm. */
    public String nameWithRealm() {
        return name + "-" + realm;
    }
}
