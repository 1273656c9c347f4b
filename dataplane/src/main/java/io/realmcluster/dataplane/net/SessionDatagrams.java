package io.realmcluster.dataplane.net;

import java.net.InetSocketAddress;

/**
 * The UDP thread's part of one session: the address its datagrams must come from (the first to show its
 * cookie) and their rate. The session's event loop sets the cookie once, at HELLO; the rest is the UDP
 * thread's alone.
 */
final class SessionDatagrams {
    private final RateLimiter rate;
    private volatile byte[] cookie;
    private InetSocketAddress peer;

    SessionDatagrams(final RateLimiter rate) {
        this.rate = rate;
    }

    /** The session's cookie, from its event loop, before anything tells its client the session id. */
    void cookie(final byte[] cookie) {
        this.cookie = cookie;
    }

    byte[] cookie() {
        return cookie;
    }

    /**
     * Whether a datagram that shows {@code presented} from {@code from} is this session's: the cookie, and the
     * address the first such datagram came from (which binds the session to it).
     */
    boolean admits(final byte[] presented, final InetSocketAddress from) {
        final byte[] expected = cookie;
        if (expected == null || !ClientSessions.sameCookie(expected, presented)) {
            return false;
        }
        if (peer == null) {
            peer = from;
            return true;
        }
        return from.equals(peer);
    }

    /** Whether one more datagram fits the session's rate. */
    boolean tryAcquire() {
        return rate.tryAcquire();
    }
}
