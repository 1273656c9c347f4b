package io.realmcluster.common.tls;

import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who holds a certificate of the realm's CA: a role and a name, written in the certificate as the
 * subject alternative name URI {@code realmcluster://ROLE/NAME} (e.g. {@code realmcluster://node/node-1}).
 */
public record PeerIdentity(Role role, String name) {
    public static final String SCHEME = "realmcluster";
    /** Names are ids of nodes, replicas and operators: also file names, so a plain alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final int SAN_URI = 6;

    public PeerIdentity {
        requireValidName(name);
    }

    /** A one-line error when {@code name} cannot name a certificate's holder. */
    public static String requireValidName(final String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' cannot name a certificate's holder: use 1 to 64 of "
                    + "A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        return name;
    }

    /** The URI written in the certificate. */
    public URI uri() {
        return URI.create(SCHEME + "://" + role.word() + "/" + name);
    }

    /** The identity a certificate names, or empty when it names none (a certificate of another issuer). */
    public static Optional<PeerIdentity> of(final X509Certificate certificate) {
        final Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (final CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        for (final List<?> entry : names) {
            if (entry.size() == 2 && Integer.valueOf(SAN_URI).equals(entry.get(0)) && entry.get(1) instanceof String) {
                final Optional<PeerIdentity> identity = parse((String) entry.get(1));
                if (identity.isPresent()) {
                    return identity;
                }
            }
        }
        return Optional.empty();
    }

    /** The identity of the peer of a TLS session that verified the peer's certificate; empty otherwise. */
    public static Optional<PeerIdentity> of(final SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            final Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? of(leaf) : Optional.empty();
        } catch (final SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** Parse {@code realmcluster://ROLE/NAME}; empty for anything else. */
    public static Optional<PeerIdentity> parse(final String uri) {
        final String prefix = SCHEME + "://";
        if (!uri.startsWith(prefix)) {
            return Optional.empty();
        }
        final String rest = uri.substring(prefix.length());
        final int slash = rest.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PeerIdentity(Role.parse(rest.substring(0, slash)), rest.substring(slash + 1)));
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return role.word() + " " + name;
    }
}
