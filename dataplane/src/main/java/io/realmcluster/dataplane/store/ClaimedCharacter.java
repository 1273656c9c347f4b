package io.realmcluster.dataplane.store;

/**
 * A character as a login claimed it: its row after the claim, with the epoch this node now owns it
 * at (every save of it is fenced by that epoch) and the save sequence to continue from.
 */
public record ClaimedCharacter(
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
        float orientation) {}
