package io.realmcluster.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on 127.0.0.1, asked from the kernel by binding port 0. */
public final class FreePorts {
    private static final int MAX_ATTEMPTS = 100;

    // The kernel may hand a just-released port out again; a process started later in this JVM
    // would then race an earlier one for it, so a port is given out at most once per JVM.
    private static final Set<Integer> GIVEN_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** One port that was free on 127.0.0.1 a moment ago. */
    public static int find() {
        return find(1)[0];
    }

    /** {@code count} distinct ports that were free on 127.0.0.1 a moment ago. */
    public static int[] find(final int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        // Every probe stays bound until all ports are chosen, so the kernel cannot repeat one.
        final List<ServerSocket> probes = new ArrayList<>(count);
        try {
            final int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ports[i] = bindUnusedPort(probes);
            }
            return ports;
        } finally {
            probes.forEach(FreePorts::closeQuietly);
        }
    }

    private static int bindUnusedPort(final List<ServerSocket> probes) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            final ServerSocket probe = bindEphemeral();
            probes.add(probe);
            if (GIVEN_OUT.add(probe.getLocalPort())) {
                return probe.getLocalPort();
            }
        }
        throw new IllegalStateException("no loopback port that this JVM has not given out already, after "
            + MAX_ATTEMPTS + " attempts");
    }

    private static ServerSocket bindEphemeral() {
        try {
            final ServerSocket probe = new ServerSocket();
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot bind a port on 127.0.0.1", e);
        }
    }

    private static void closeQuietly(final ServerSocket probe) {
        try {
            probe.close();
        } catch (final IOException ignored) {
            // Nothing was accepted on it; the port is released either way.
        }
    }
}
