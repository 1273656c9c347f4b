package io.realmcluster.controlplane.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;

/**
 * The key layout of the cluster in etcd, under one prefix per cluster (several clusters may share
 * an etcd): {@code PREFIX/v1/nodes/NODE_ID}, {@code PREFIX/v1/instances/INSTANCE_ID}.
 */
public final class Keys {
    private final String root;

    public Keys(final String prefix) {
        final String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!trimmed.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix must start with '/': '" + prefix + "'");
        }
        this.root = trimmed + "/v1/";
    }

    public ByteSequence node(final String nodeId) {
        return bytes(root + "nodes/" + nodeId);
    }

    public ByteSequence nodes() {
        return bytes(root + "nodes/");
    }

    public ByteSequence instances() {
        return bytes(root + "instances/");
    }

    public ByteSequence instance(final String instanceId) {
        return bytes(root + "instances/" + instanceId);
    }

    /** What a node confirmed about an instance (state at an epoch); written by the replica holding its session. */
    public ByteSequence instanceStatus(final String instanceId) {
        return bytes(root + "instance-status/" + instanceId);
    }

    public ByteSequence instanceStatuses() {
        return bytes(root + "instance-status/");
    }

    /** The instance a group or match owns on a map of a realm. */
    public ByteSequence binding(final String realm, final int mapId, final String owner) {
        return bytes(root + "bindings/" + realm + "/" + mapId + "/" + owner);
    }

    /** Present while an operator keeps the node from taking new placements; outlives its sessions. */
    /** How many cells an operator wants continent {@code continentId} split into. */
    public ByteSequence cellLayout(final String continentId) {
        return bytes(root + "cell-layouts/" + continentId);
    }

    /** An instance's move to another node, written by the leader or an operator's request. */
    public ByteSequence move(final String instanceId) {
        return bytes(root + "moves/" + instanceId);
    }

    /** What the target of a move confirmed (its copy loaded), on the target's session lease. */
    public ByteSequence moveStatus(final String instanceId) {
        return bytes(root + "move-status/" + instanceId);
    }

    /** A battlegroup's definition, written by operators. */
    public ByteSequence battlegroup(final String name) {
        return bytes(root + "battlegroups/" + name);
    }

    public ByteSequence battlegroups() {
        return bytes(root + "battlegroups/");
    }

    /** The battlegroup a realm is in: one key per realm, so that no realm joins two at once. */
    public ByteSequence battlegroupOf(final String realm) {
        return bytes(root + "battlegroup-of/" + segment(realm));
    }

    /** A battleground queue's ticket, written by the leader. */
    public ByteSequence queueTicket(final String ticketId) {
        return bytes(root + "queue/tickets/" + ticketId);
    }

    public ByteSequence queueTickets() {
        return bytes(root + "queue/tickets/");
    }

    /** The ticket a character holds for one battleground (its value is the ticket id). */
    public ByteSequence queuedFor(final String realm, final long characterId, final int battleground) {
        return bytes(root + "queue/by-character/" + segment(realm) + "/" + characterId + "/" + battleground);
    }

    /** Every ticket a character holds, one key per battleground. */
    public ByteSequence queuedBy(final String realm, final long characterId) {
        return bytes(root + "queue/by-character/" + segment(realm) + "/" + characterId + "/");
    }

    /** A battleground match, written by the leader. */
    public ByteSequence match(final String matchId) {
        return bytes(root + "matches/" + matchId);
    }

    public ByteSequence matches() {
        return bytes(root + "matches/");
    }

    public ByteSequence cordon(final String nodeId) {
        return bytes(root + "cordons/" + nodeId);
    }

    public ByteSequence cordons() {
        return bytes(root + "cordons/");
    }

    public ByteSequence controlPlane(final String replicaId) {
        return bytes(root + "controlplanes/" + replicaId);
    }

    public ByteSequence controlPlanes() {
        return bytes(root + "controlplanes/");
    }

    /** The name of the leader election; candidates' keys live under it. */
    public ByteSequence election() {
        return bytes(root + "election/leader");
    }

    /** The last path segment of a key: the id it was made from. */
    public static String lastSegment(final ByteSequence key) {
        final String text = key.toString();
        return text.substring(text.lastIndexOf('/') + 1);
    }

    public String root() {
        return root;
    }

    public static ByteSequence bytes(final String key) {
        return ByteSequence.from(key, UTF_8);
    }

    /** A name that becomes one segment of a key: a '/' in it would reach another key's place. */
    private static String segment(final String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("'" + name + "' is empty or holds a '/', which no realm's name does");
        }
        return name;
    }
}
