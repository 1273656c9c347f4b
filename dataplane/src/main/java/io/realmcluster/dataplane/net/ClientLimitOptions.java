package io.realmcluster.dataplane.net;

import picocli.CommandLine.Option;

/** The node's flags for its client port's limits; mixed into its command line. */
public final class ClientLimitOptions {
    @Option(
            names = "--client-pending-per-ip",
            paramLabel = "N",
            defaultValue = "" + ClientLimits.DEFAULT_PENDING_PER_ADDRESS,
            description = "Client connections from one address that have not said HELLO yet; more are closed as "
                    + "they are accepted (default: ${DEFAULT-VALUE}).")
    int pendingPerAddress;

    @Option(
            names = "--client-pending-total",
            paramLabel = "N",
            defaultValue = "" + ClientLimits.DEFAULT_PENDING_TOTAL,
            description = "Client connections in all that have not said HELLO yet (default: ${DEFAULT-VALUE}).")
    int pendingTotal;

    @Option(
            names = "--client-accepts-per-second",
            paramLabel = "N",
            defaultValue = "" + ClientLimits.DEFAULT_ACCEPTS_PER_SECOND,
            description = "Client connections accepted a second at most (default: ${DEFAULT-VALUE}).")
    int acceptsPerSecond;

    /** The limits these flags set. */
    public ClientLimits limits() {
        return new ClientLimits(pendingPerAddress, pendingTotal, acceptsPerSecond);
    }
}
