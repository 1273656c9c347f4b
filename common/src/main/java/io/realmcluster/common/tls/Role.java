package io.realmcluster.common.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a certificate of the realm's CA lets its holder be: the role named in its identity URI. */
public enum Role {
    /** A control-plane replica: serves nodes, operators and players, and calls etcd and its peers. */
    CONTROLPLANE(true, true),
    /** A data-plane node: serves Transfer and game clients, calls the control plane and other nodes. */
    NODE(true, true),
    /** A person or a script with realmctl: calls Admin. */
    OPERATOR(false, true),
    /** A server that is not a realm process (etcd, PostgreSQL): serves, never calls the realm. */
    SERVER(true, false);

    private final boolean serves;
    private final boolean calls;

    Role(final boolean serves, final boolean calls) {
        this.serves = serves;
        this.calls = calls;
    }

    /** True when certificates of this role may serve TLS (extended key usage serverAuth). */
    public boolean serves() {
        return serves;
    }

    /** True when certificates of this role may authenticate a client (extended key usage clientAuth). */
    public boolean calls() {
        return calls;
    }

    /** The word used on the command line and in identity URIs: {@code node}, {@code operator}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a word names; an error listing the words otherwise. */
    public static Role parse(final String word) {
        for (final Role role : values()) {
            if (role.word().equals(word)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + word + "'; roles are "
                + Arrays.stream(values()).map(Role::word).collect(Collectors.joining(", ")));
    }
}
