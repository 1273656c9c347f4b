package io.realmcluster.dataplane.net;

import io.realmcluster.proto.client.ClientProtocol;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's open client sessions, by index (what maps address frames to) and by character (one
 * session per character). A session id is its index and a generation, so an id outlives nothing:
 * the UDP cookie is an HMAC of the id under a key this process drew at start.
 */
public final class ClientSessions {
    private final AtomicReferenceArray<ClientSession> byIndex;
    private final int[] generations;
    private final int[] free;
    private int freeCount;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<Long, ClientSession> byCharacter = new ConcurrentHashMap<>();
    private volatile LongConsumer worldEntered = characterId -> {};
    /** Second connections waiting for their character's transfer to this node (STANDBY_HELLO). */
    private final ConcurrentHashMap<Long, ClientSession> standingBy = new ConcurrentHashMap<>();

    private final byte[] cookieKey = new byte[32];

    /** The cell across a boundary of a player's cell, and its node; null when it runs nowhere (or no cells). */
    @FunctionalInterface
    public interface CellNeighbours {
        io.realmcluster.proto.v1.InstanceRoute across(
                io.realmcluster.dataplane.world.InstanceHost.Running cell, int side);
    }

    private volatile CellNeighbours cells = (cell, side) -> null;

    /** Where the players of this node's cells stand by when they near a boundary, from now on. */
    public void cells(final CellNeighbours neighbours) {
        this.cells = neighbours;
    }

    CellNeighbours cells() {
        return cells;
    }

    public ClientSessions(final int capacity) {
        byIndex = new AtomicReferenceArray<>(capacity);
        generations = new int[capacity];
        free = new int[capacity];
        for (int i = capacity - 1; i >= 0; i--) {
            free[freeCount++] = i;
        }
        new SecureRandom().nextBytes(cookieKey);
    }

    /** Give {@code session} an index; its id, or -1 when the node has no room for another session. */
    synchronized long register(final ClientSession session) {
        if (freeCount == 0) {
            return -1;
        }
        final int index = free[--freeCount];
        final int generation = ++generations[index];
        byIndex.set(index, session);
        open.incrementAndGet();
        return ((long) generation << 32) | index;
    }

    synchronized void unregister(final long sessionId, final ClientSession session) {
        final int index = index(sessionId);
        if (byIndex.compareAndSet(index, session, null)) {
            free[freeCount++] = index;
            open.decrementAndGet();
        }
    }

    /** The session at an index, or null. Any thread. */
    ClientSession at(final int index) {
        return index >= 0 && index < byIndex.length() ? byIndex.get(index) : null;
    }

    /** The session with this id (index and generation), or null. */
    ClientSession byId(final long sessionId) {
        final ClientSession session = at(index(sessionId));
        return session != null && session.id() == sessionId ? session : null;
    }

    /**
     * Send a transferred character's client its REDIRECT ({@code body}, a frame body) and close its
     * session, from any thread, without waiting for its map's next tick; false when the session at
     * {@code index} is not that character's.
     */
    public boolean redirect(final int index, final long characterId, final byte[] body, final int length) {
        final ClientSession session = at(index);
        if (session == null || session.characterId() != characterId) {
            return false;
        }
        session.redirect(Arrays.copyOf(body, length));
        return true;
    }

    /**
     * The logout save of the character at session {@code index} settled: tell its client it is out.
     * A session that did not log out (its map stopped, a later login took the index) is left alone.
     * Any thread.
     */
    public void logoutSaved(final int index, final long characterId) {
        final ClientSession session = at(index);
        if (session != null && session.characterId() == characterId) {
            session.logoutSaved();
        }
    }

    /**
     * Make {@code session} the one standing by for the character's transfer here; false when another stands by
     * already. The first keeps its place: a standby token's signature is checked only when its transfer comes, so
     * a later connection must not push out an earlier one.
     */
    boolean standBy(final long characterId, final ClientSession session) {
        return standingBy.putIfAbsent(characterId, session) == null;
    }

    void releaseStandby(final long characterId, final ClientSession session) {
        standingBy.remove(characterId, session);
    }

    /**
     * The character's transfer to this node was claimed: the session standing by for it, if any,
     * enters its map now. Any thread; returns at once.
     */
    public void transferClaimed(final long characterId) {
        final ClientSession session = standingBy.get(characterId);
        if (session != null) {
            session.transferClaimed();
        }
    }

    /** What {@link #hello} found for the character. */
    enum Hello {
        /** No session: the new one has the character. */
        FREE,
        /** A session closing (sent its REDIRECT or DISCONNECT, its connection not gone yet): the new one replaces it. */
        REPLACED_CLOSED,
        /** A live session: the new one is refused. */
        HELD
    }

    /**
     * Make {@code session}, whose HELLO was good, the character's one session on this node, unless a live session
     * has it (one HELLO at a time: the old session must end first). A session already closed counts as ended: a
     * client sent to another map of this node comes back before its old connection is gone.
     */
    Hello hello(final long characterId, final ClientSession session) {
        final Hello[] found = {Hello.FREE};
        byCharacter.compute(characterId, (id, old) -> {
            if (old == null) {
                return session;
            }
            if (old.state() == SessionState.CLOSED) {
                found[0] = Hello.REPLACED_CLOSED;
                return session;
            }
            found[0] = Hello.HELD;
            return old;
        });
        return found[0];
    }

    /** Make {@code session} the character's one session; returns the one it replaces, or null. */
    ClientSession claimCharacter(final long characterId, final ClientSession session) {
        return byCharacter.put(characterId, session);
    }

    void releaseCharacter(final long characterId, final ClientSession session) {
        byCharacter.remove(characterId, session);
    }

    /** Hears each character that enters the world here (a login or an arrival), on its session's event loop. */
    public void onWorldEntered(final LongConsumer listener) {
        this.worldEntered = listener;
    }

    void enteredWorld(final long characterId) {
        worldEntered.accept(characterId);
    }

    /** Who takes this node's players home from battlegrounds; null until set, at start. */
    private volatile BattlegroundExits exits;

    void exits(final BattlegroundExits exits) {
        this.exits = exits;
    }

    /** Who takes players home from battlegrounds, or null on a node without them. */
    BattlegroundExits exits() {
        return exits;
    }

    /** The character's session on this node, or null. */
    ClientSession ofCharacter(final long characterId) {
        return byCharacter.get(characterId);
    }

    /** Every session in world on {@code instanceId}, for closing them when the map leaves this node. */
    void forEach(final Consumer<ClientSession> action) {
        for (final ClientSession session : byCharacter.values()) {
            action.accept(session);
        }
    }

    public int open() {
        return open.get();
    }

    static int index(final long sessionId) {
        return (int) sessionId;
    }

    /** The UDP cookie of a session id: HMAC-SHA256 under this process's key, cut to 16 bytes. */
    byte[] cookie(final long sessionId) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookieKey, "HmacSHA256"));
            final byte[] id = new byte[8];
            for (int i = 0; i < 8; i++) {
                id[i] = (byte) (sessionId >>> (8 * i));
            }
            return Arrays.copyOf(mac.doFinal(id), ClientProtocol.COOKIE_BYTES);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    static boolean sameCookie(final byte[] expected, final byte[] presented) {
        return MessageDigest.isEqual(expected, presented);
    }
}
