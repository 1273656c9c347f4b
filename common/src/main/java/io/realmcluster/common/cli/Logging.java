package io.realmcluster.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Logging setup shared by the binaries: everything (gRPC's java.util.logging too) through SLF4J and Logback. */
public final class Logging {
    private Logging() {}

    /** Route java.util.logging to SLF4J; with {@code verbose}, the project's own loggers go to DEBUG. */
    public static void configure(final boolean verbose) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (verbose) {
            final Logger project = (Logger) LoggerFactory.getLogger("io.realmcluster");
            project.setLevel(Level.DEBUG);
        }
    }
}
