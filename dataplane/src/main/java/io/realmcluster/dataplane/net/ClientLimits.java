package io.realmcluster.dataplane.net;

/**
 * What the client port takes from connections that have not said HELLO: at most {@code pendingPerAddress}
 * from one address and {@code pendingTotal} in all (the excess closed as it is accepted), and accepts at
 * {@code acceptsPerSecond} on average (past it the port stops accepting for a moment). Players already in
 * the world are not counted.
 */
public record ClientLimits(int pendingPerAddress, int pendingTotal, int acceptsPerSecond) {
    public static final int DEFAULT_PENDING_PER_ADDRESS = 64;
    public static final int DEFAULT_PENDING_TOTAL = 4_096;
    public static final int DEFAULT_ACCEPTS_PER_SECOND = 2_000;

    public ClientLimits {
        if (pendingPerAddress < 1 || pendingTotal < 1 || acceptsPerSecond < 1) {
            throw new IllegalArgumentException("client connection limits must be positive, got " + pendingPerAddress
                    + " per address, " + pendingTotal + " in all, " + acceptsPerSecond + " accepts a second");
        }
    }

    public static ClientLimits defaults() {
        return new ClientLimits(DEFAULT_PENDING_PER_ADDRESS, DEFAULT_PENDING_TOTAL, DEFAULT_ACCEPTS_PER_SECOND);
    }
}
