package io.realmcluster.controlplane.battleground;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.proto.v1.Battlegroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The battlegroups in etcd: {@code battlegroups/NAME} holds a {@link Battlegroup}, and
 * {@code battlegroup-of/REALM} names the battlegroup each realm is in. Both change in one
 * transaction that holds only while every realm's key is free or already this battlegroup's, so
 * two operators writing at once can never put a realm in two battlegroups. Operators' writes, not
 * the leader's: they need no leadership fence.
 */
public final class BattlegroupStore {
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
    /** Tries of a write that lost a race with another operator's before it gives up. */
    private static final int ATTEMPTS = 5;

    private final EtcdStore store;
    private final Keys keys;

    public BattlegroupStore(final EtcdStore store, final Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** Why a write was refused, for the caller to answer with. */
    public static final class Refused extends RuntimeException {
        private final boolean conflict;

        Refused(final String message, final boolean conflict) {
            super(message);
            this.conflict = conflict;
        }

        /** A conflict with what is stored (a realm in another battlegroup), not a malformed request. */
        public boolean conflict() {
            return conflict;
        }
    }

    /**
     * Create or replace {@code battlegroup} (realms deduplicated, in the order given); realms it no
     * longer names leave it.
     *
     * @throws Refused when the name or realms are malformed, or a realm is in another battlegroup.
     */
    public Battlegroup put(final Battlegroup battlegroup) {
        final String name = battlegroup.getName();
        if (!NAME.matcher(name).matches()) {
            throw new Refused(
                    "a battlegroup's name is 1 to 32 lower-case letters, digits and dashes, not '" + name + "'", false);
        }
        final Set<String> realms = new LinkedHashSet<>(battlegroup.getRealmsList());
        if (realms.isEmpty() || realms.contains("")) {
            throw new Refused("battlegroup " + name + " needs at least one realm, and no empty name", false);
        }
        final Battlegroup stored =
                Battlegroup.newBuilder().setName(name).addAllRealms(realms).build();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final Optional<Stored> before = read(name);
            final List<Cmp> conditions = new ArrayList<>();
            final List<Op> ops = new ArrayList<>();
            conditions.add(before.map(b -> unchangedSince(keys.battlegroup(name), b.modRevision()))
                    .orElseGet(() -> absent(keys.battlegroup(name))));
            for (final String realm : realms) {
                final ByteSequence of = keys.battlegroupOf(realm);
                final KeyValue current = store.get(of);
                if (current == null) {
                    conditions.add(absent(of));
                } else if (current.getValue().toString(UTF_8).equals(name)) {
                    conditions.add(unchangedSince(of, current.getModRevision()));
                } else {
                    throw new Refused(
                            "realm " + realm + " is in battlegroup "
                                    + current.getValue().toString(UTF_8) + "; remove it there first",
                            true);
                }
                ops.add(Op.put(of, Keys.bytes(name), PutOption.DEFAULT));
            }
            before.ifPresent(b -> {
                for (final String left : b.battlegroup().getRealmsList()) {
                    if (!realms.contains(left)) {
                        conditions.add(ownedBy(left, name));
                        ops.add(Op.delete(keys.battlegroupOf(left), DeleteOption.DEFAULT));
                    }
                }
            });
            ops.add(Op.put(keys.battlegroup(name), ByteSequence.from(stored.toByteArray()), PutOption.DEFAULT));
            if (store.txn(conditions, ops) != null) {
                return stored;
            }
        }
        throw new Refused("battlegroup " + name + " changed under every try; try again", true);
    }

    /** Every battlegroup, ordered by name. */
    public List<Battlegroup> list() {
        final List<Battlegroup> all = new ArrayList<>();
        for (final KeyValue kv : store.list(keys.battlegroups())) {
            all.add(parse(kv));
        }
        all.sort(Comparator.comparing(Battlegroup::getName));
        return all;
    }

    /** The battlegroup of this name, if there is one. */
    public Optional<Battlegroup> get(final String name) {
        return read(name).map(Stored::battlegroup);
    }

    /** Remove battlegroup {@code name} and free its realms; what was removed, or empty when there was none. */
    public Optional<Battlegroup> delete(final String name) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final Optional<Stored> before = read(name);
            if (before.isEmpty()) {
                return Optional.empty();
            }
            final List<Cmp> conditions = new ArrayList<>();
            final List<Op> ops = new ArrayList<>();
            conditions.add(unchangedSince(keys.battlegroup(name), before.get().modRevision()));
            ops.add(Op.delete(keys.battlegroup(name), DeleteOption.DEFAULT));
            for (final String realm : before.get().battlegroup().getRealmsList()) {
                conditions.add(ownedBy(realm, name));
                ops.add(Op.delete(keys.battlegroupOf(realm), DeleteOption.DEFAULT));
            }
            if (store.txn(conditions, ops) != null) {
                return Optional.of(before.get().battlegroup());
            }
        }
        throw new Refused("battlegroup " + name + " changed under every try; try again", true);
    }

    private Optional<Stored> read(final String name) {
        final KeyValue kv = store.get(keys.battlegroup(name));
        return kv == null ? Optional.empty() : Optional.of(new Stored(parse(kv), kv.getModRevision()));
    }

    private static Battlegroup parse(final KeyValue kv) {
        try {
            return Battlegroup.parseFrom(kv.getValue().getBytes());
        } catch (final InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "unreadable battlegroup at " + kv.getKey().toString(UTF_8), e);
        }
    }

    private Cmp ownedBy(final String realm, final String name) {
        return new Cmp(keys.battlegroupOf(realm), Cmp.Op.EQUAL, CmpTarget.value(Keys.bytes(name)));
    }

    private static Cmp absent(final ByteSequence key) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
    }

    private static Cmp unchangedSince(final ByteSequence key, final long modRevision) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    }

    private record Stored(Battlegroup battlegroup, long modRevision) {}
}
