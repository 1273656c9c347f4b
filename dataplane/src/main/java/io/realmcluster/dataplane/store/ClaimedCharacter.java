package io.realmcluster.dataplane.store;

/**
 * A character as a login claimed it: its row after the claim, with the epoch this node now owns it
 * at (every save of it is fenced by that epoch) and the save sequence to continue from. {@code key} names
 * it inside the node ({@link CharacterKey}), {@code realm} and {@code characterId} outside.
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
        float orientation) {
    /** The name players of other realms see: Name-Realm. */
    public String nameWithRealm() {
        return name + "-" + realm;
    }
}
