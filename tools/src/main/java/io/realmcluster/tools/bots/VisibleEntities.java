package io.realmcluster.tools.bots;

import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages.Record;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The creatures and enemy players a bot sees, from ENTITY_UPDATES: enough to pick a target, follow
 * it and loot it. Other players are not kept (a bot only notes that it saw some), so thousands of
 * bots in one place do not hold thousands of records each. Entity objects are pooled and reused.
 */
final class VisibleEntities {
    /** One visible creature (or, in tests, any entity): the fields of its last record. */
    static final class Entity {
        long id;
        byte kind;
        int flags;
        float x;
        float y;
        float z;
        int health;
        int maxHealth;

        boolean dead() {
            return (flags & ClientProtocol.RECORD_FLAG_DEAD) != 0;
        }

        boolean lootable() {
            return (flags & ClientProtocol.RECORD_FLAG_LOOTABLE) != 0;
        }

        boolean aliveCreature() {
            return kind == ClientProtocol.KIND_CREATURE && !dead();
        }

        /** A living enemy player the bot may fight now (a battleground's running match). */
        boolean hostilePlayer() {
            return kind == ClientProtocol.KIND_PLAYER && (flags & ClientProtocol.RECORD_FLAG_HOSTILE) != 0 && !dead();
        }
    }

    private final Long2ObjectHashMap<Entity> byId = new Long2ObjectHashMap<>();
    private Entity[] pool = new Entity[8];
    private int pooled;

    int size() {
        return byId.size();
    }

    Entity get(final long id) {
        return byId.get(id);
    }

    /** Forget everything (an update with the RESET flag, a new connection). */
    void clear() {
        for (final Entity entity : byId.values()) {
            release(entity);
        }
        byId.clear();
    }

    /** Insert or replace the entity of a record read from {@code buffer} at {@code at}. */
    Entity put(final DirectBuffer buffer, final int at) {
        return put(
                Record.id(buffer, at),
                Record.kind(buffer, at),
                Record.flags(buffer, at),
                Record.x(buffer, at),
                Record.y(buffer, at),
                buffer.getFloat(at + ClientProtocol.RECORD_Z, ByteOrder.LITTLE_ENDIAN),
                Record.health(buffer, at),
                buffer.getInt(at + ClientProtocol.RECORD_MAX_HEALTH, ByteOrder.LITTLE_ENDIAN));
    }

    /** Insert or replace an entity. */
    Entity put(
            final long id,
            final byte kind,
            final int flags,
            final float x,
            final float y,
            final float z,
            final int health,
            final int maxHealth) {
        Entity entity = byId.get(id);
        if (entity == null) {
            entity = pooled > 0 ? pool[--pooled] : new Entity();
            entity.id = id;
            byId.put(id, entity);
        }
        entity.kind = kind;
        entity.flags = flags;
        entity.x = x;
        entity.y = y;
        entity.z = z;
        entity.health = health;
        entity.maxHealth = maxHealth;
        return entity;
    }

    void remove(final long id) {
        final Entity entity = byId.remove(id);
        if (entity != null) {
            release(entity);
        }
    }

    /** Forget the entities farther than {@code distance} from {@code x, y}: out of sight. */
    void forgetFartherThan(final float x, final float y, final float distance) {
        final float limit = distance * distance;
        final Long2ObjectHashMap<Entity>.ValueIterator it = byId.values().iterator();
        while (it.hasNext()) {
            final Entity entity = it.next();
            if (distanceSquared(entity, x, y) > limit) {
                it.remove();
                release(entity);
            }
        }
    }

    /**
     * The alive creature or enemy player (flagged hostile: a battleground's running match) within
     * {@code range} of {@code x, y} with the lowest max health (the easiest kill), the nearer one on a
     * tie; null when there is none.
     */
    Entity pickTarget(final float x, final float y, final float range) {
        final float limit = range * range;
        Entity best = null;
        float bestDistance = Float.MAX_VALUE;
        for (final Entity entity : byId.values()) {
            if (!entity.aliveCreature() && !entity.hostilePlayer()) {
                continue;
            }
            final float d = distanceSquared(entity, x, y);
            if (d > limit) {
                continue;
            }
            if (best == null
                    || entity.maxHealth < best.maxHealth
                    || (entity.maxHealth == best.maxHealth && d < bestDistance)) {
                best = entity;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Whether an enemy player (flagged hostile) stands within {@code range} of {@code x, y}. */
    boolean hostileWithin(final float x, final float y, final float range) {
        final float limit = range * range;
        for (final Entity entity : byId.values()) {
            if (entity.hostilePlayer() && distanceSquared(entity, x, y) <= limit) {
                return true;
            }
        }
        return false;
    }

    static float distanceSquared(final Entity entity, final float x, final float y) {
        final float dx = entity.x - x;
        final float dy = entity.y - y;
        return dx * dx + dy * dy;
    }

    static float distance(final Entity entity, final float x, final float y) {
        return (float) Math.sqrt(distanceSquared(entity, x, y));
    }

    private void release(final Entity entity) {
        if (pooled == pool.length) {
            if (pool.length >= 256) {
                return;
            }
            pool = Arrays.copyOf(pool, pool.length * 2);
        }
        pool[pooled++] = entity;
    }
}
