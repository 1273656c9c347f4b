package io.realmcluster.tools.localcluster;

import io.realmcluster.common.net.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code RUN/local-cluster.properties}: where the running launcher's control plane listens for
 * operators, so that a verb run beside it ({@code rollout restart}) finds it without the port offset.
 */
record ClusterFile(HostPort controlPlane, int nodes) {
    static final String NAME = "local-cluster.properties";
    private static final String CONTROLPLANE = "controlplane.internal";
    private static final String NODES = "nodes";

    static void write(final Path run, final HostPort controlPlane, final int nodes) {
        final Properties properties = new Properties();
        properties.setProperty(CONTROLPLANE, controlPlane.toString());
        properties.setProperty(NODES, Integer.toString(nodes));
        try (Writer out = Files.newBufferedWriter(run.resolve(NAME))) {
            properties.store(out, "written by bin/local-cluster at each start");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + run.resolve(NAME), e);
        }
    }

    /** The file of the launcher that runs (or ran last) in {@code run}; a clear error when there is none. */
    static ClusterFile read(final Path run) {
        final Path file = run.resolve(NAME);
        final Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "no local cluster has run in " + run + " (no " + NAME + "); start bin/local-cluster first", e);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        final String controlPlane = properties.getProperty(CONTROLPLANE);
        final String nodes = properties.getProperty(NODES);
        if (controlPlane == null || nodes == null) {
            throw new IllegalArgumentException(file + " lacks " + CONTROLPLANE + " or " + NODES);
        }
        return new ClusterFile(HostPort.parse(controlPlane), Integer.parseInt(nodes.strip()));
    }
}
