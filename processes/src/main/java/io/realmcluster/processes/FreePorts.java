package io.realmcluster.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1. They are taken below the kernel's ephemeral range (Linux
 * net.ipv4.ip_local_port_range), so that between the probe and the process binding the port, no
 * outgoing connection or port-0 listener of another process can be given it (seen: a control plane's
 * "address already in use" on a port from the ephemeral range). Where that range leaves too little
 * room below it, ports come from binding port 0.
 */
public final class FreePorts {
    private static final int MAX_ATTEMPTS = 100;
    /** The lowest port handed out: above the ports services commonly listen on. */
    private static final int FLOOR = 20_000;

    private static final int MIN_ROOM = 1_000;
    /** Ports from here (the kernel's ephemeral range) are only ever given out by binding port 0. */
    static final int EPHEMERAL_LOW = ephemeralLow();

    // The kernel may hand a just-released port out again; a process started later in this JVM
    // would then race an earlier one for it, so a port is given out at most once per JVM.
    private static final Set<Integer> GIVEN_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

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
            final ServerSocket probe = EPHEMERAL_LOW - FLOOR >= MIN_ROOM ? bindBelowEphemeral() : bindEphemeral();
            if (probe == null) {
                continue;
            }
            probes.add(probe);
            if (GIVEN_OUT.add(probe.getLocalPort())) {
                return probe.getLocalPort();
            }
        }
        throw new IllegalStateException(
                "no loopback port that this JVM has not given out already, after " + MAX_ATTEMPTS + " attempts");
    }

    /** A probe on a random port below the ephemeral range, or null when that port is taken. */
    private static ServerSocket bindBelowEphemeral() {
        final int port = ThreadLocalRandom.current().nextInt(FLOOR, EPHEMERAL_LOW);
        try {
            final ServerSocket probe = new ServerSocket();
            try {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return probe;
            } catch (final IOException taken) {
                closeQuietly(probe);
                return null;
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open a socket on 127.0.0.1", e);
        }
    }

    /** The low end of Linux's ephemeral port range; 65536 (none below to use) where it cannot be read. */
    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: procfs reports a size of 0 and readString then stops short.
            final String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (final IOException | RuntimeException e) {
            return 65_536;
        }
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
