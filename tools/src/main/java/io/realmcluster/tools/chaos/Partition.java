package io.realmcluster.tools.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node cut off from the control plane but not from its players or its peers: netfilter drops, silently, every
 * packet between the node's processes and the control plane's internal port. New connections are matched by the
 * node's cgroup (a cgroup v2 of its own: a socket belongs to the cgroup its process was in when it made it), the
 * ones open already by their ports (as {@code ss} lists them). The rules live in a chain of their own, so that
 * healing, or cleaning up after a run that died, removes exactly them. Needs root, {@code iptables} and a cgroup v2
 * mount.
 */
final class Partition implements AutoCloseable {
    static final String CHAIN = "REALM-CHAOS";
    private static final long DEADLINE_SECONDS = 10;
    /** Seconds iptables waits for the xtables lock: within the command's deadline. */
    private static final String LOCK_WAIT = "5";

    private static final Pattern CONNECTION =
            Pattern.compile("(\\S+):(\\d+)\\s+(\\S+):(\\d+)\\s+users:\\(.*?pid=(\\d+)");

    private final Path cgroup;
    /** Each process moved, with the cgroup it came from. */
    private final Map<Long, Path> movedFrom;

    private Partition(final Path cgroup, final Map<Long, Path> movedFrom) {
        this.cgroup = cgroup;
        this.movedFrom = movedFrom;
    }

    /** Why a partition cannot be made on this machine, or null when it can. */
    static String unavailable() {
        final String uid = run(false, "id", "-u");
        if (uid == null || !uid.strip().equals("0")) {
            return "needs root (iptables and cgroups); run bin/chaos as root to include it";
        }
        if (run(false, "iptables", "--version") == null) {
            return "needs iptables: apt-get install -y iptables";
        }
        if (cgroup2().isEmpty()) {
            return "needs a cgroup v2 mount (netfilter matches a node's sockets by its cgroup)";
        }
        return null;
    }

    /** Cut the processes {@code pids} of node {@code node} off from {@code controlPlanePort} on loopback. */
    static Partition cut(final String node, final List<Long> pids, final int controlPlanePort) {
        removeChain();
        final Path root = cgroup2().orElseThrow(() -> new IllegalStateException(unavailable()));
        final String name = "realm-chaos-" + node;
        final Path cgroup = root.resolve(name);
        final Map<Long, Path> movedFrom = new LinkedHashMap<>();
        try {
            Files.createDirectories(cgroup);
            for (final long pid : pids) {
                final Optional<Path> from = cgroupOf(root, pid);
                if (from.isPresent()) {
                    Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(pid));
                    movedFrom.put(pid, from.get());
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot move " + node + " into cgroup " + cgroup, e);
        }
        final Partition partition = new Partition(cgroup, movedFrom);
        try {
            iptables("-N", CHAIN);
            iptables("-I", "OUTPUT", "-j", CHAIN);
            final String port = Integer.toString(controlPlanePort);
            iptables("-A", CHAIN, "-p", "tcp", "--dport", port, "-m", "cgroup", "--path", name, "-j", "DROP");
            for (final int local : openPorts(pids, controlPlanePort)) {
                final String ephemeral = Integer.toString(local);
                iptables("-A", CHAIN, "-p", "tcp", "--sport", ephemeral, "--dport", port, "-j", "DROP");
                iptables("-A", CHAIN, "-p", "tcp", "--sport", port, "--dport", ephemeral, "-j", "DROP");
            }
        } catch (final RuntimeException e) {
            partition.close();
            throw e;
        }
        return partition;
    }

    /** Heal: the rules go, the processes go back to their cgroups. */
    @Override
    public void close() {
        removeChain();
        movedFrom.forEach((pid, from) -> {
            try {
                Files.writeString(from.resolve("cgroup.procs"), Long.toString(pid));
            } catch (final IOException gone) {
                // The process exited meanwhile.
            }
        });
        try {
            Files.deleteIfExists(cgroup);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot remove cgroup " + cgroup, e);
        }
    }

    /** The chain and its jump, if a run left them (idempotent). */
    static void removeChain() {
        // One jump removed per call; there is at most one, unless a run died between two.
        for (int i = 0; i < 10; i++) {
            final String removed = run(false, "iptables", "-w", LOCK_WAIT, "-D", "OUTPUT", "-j", CHAIN);
            if (removed == null || removed.startsWith("exit ")) {
                break;
            }
        }
        run(false, "iptables", "-w", LOCK_WAIT, "-F", CHAIN);
        run(false, "iptables", "-w", LOCK_WAIT, "-X", CHAIN);
    }

    /** The local ports of {@code pids}' established connections to {@code port}, as {@code ss} lists them. */
    static List<Integer> openPorts(final List<Long> pids, final int port) {
        return parseOpenPorts(run(true, "ss", "-tnpH", "state", "established", "( dport = :" + port + " )"), pids);
    }

    /** The local ports of the lines of {@code ss -tnpH} that belong to {@code pids}. */
    static List<Integer> parseOpenPorts(final String ss, final List<Long> pids) {
        final List<Integer> ports = new ArrayList<>();
        for (final String line : ss.split("\n")) {
            final Matcher matcher = CONNECTION.matcher(line);
            if (matcher.find() && pids.contains(Long.parseLong(matcher.group(5)))) {
                ports.add(Integer.parseInt(matcher.group(2)));
            }
        }
        return ports;
    }

    private static Optional<Path> cgroup2() {
        try {
            for (final String mount : Files.readAllLines(Path.of("/proc/mounts"))) {
                final String[] fields = mount.split(" ");
                if (fields.length > 2 && fields[2].equals("cgroup2")) {
                    return Optional.of(Path.of(fields[1]));
                }
            }
        } catch (final IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The cgroup v2 directory {@code pid} is in ("0::/path" in /proc/PID/cgroup); empty when it is gone. */
    private static Optional<Path> cgroupOf(final Path root, final long pid) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    return Optional.of(root.resolve(line.substring(3).replaceFirst("^/", "")));
                }
            }
            return Optional.of(root);
        } catch (final IOException gone) {
            return Optional.empty();
        }
    }

    private static void iptables(final String... args) {
        final List<String> command = new ArrayList<>(List.of("iptables", "-w", LOCK_WAIT));
        command.addAll(List.of(args));
        final String out = run(false, command.toArray(String[]::new));
        if (out == null || out.startsWith("exit ")) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    /**
     * Run a command, its output; "exit N: output" when it fails (or throws, with {@code required}); null when it cannot
     * start (not installed).
     */
    private static String run(final boolean required, final String... command) {
        final Process process;
        final Path output;
        try {
            // Into a file, read once the command ended: a read of its pipe would wait past the deadline.
            output = Files.createTempFile("realm-chaos-", ".out");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (final IOException e) {
            if (required) {
                throw new UncheckedIOException("cannot run " + command[0], e);
            }
            return null;
        }
        try {
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " did not finish in " + DEADLINE_SECONDS + " s");
            }
            final String out = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                if (required) {
                    throw new IllegalStateException(
                            String.join(" ", command) + " exited with " + process.exitValue() + ": " + out.strip());
                }
                return "exit " + process.exitValue() + ": " + out.strip();
            }
            return out;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the output of " + command[0], e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command[0], e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (final IOException ignored) {
                // A temporary file left behind.
            }
        }
    }
}
