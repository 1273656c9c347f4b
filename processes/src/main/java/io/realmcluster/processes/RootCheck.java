package io.realmcluster.processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * initdb and postgres refuse to run as root. As root, zonky runs them under {@code unshare -U}, where
 * they see themselves as an unmapped user (nobody) that still owns root's files; this checks once
 * that such a namespace can be made, so a failure names its cause instead of a bare initdb exit code.
 */
final class RootCheck {
    private static volatile Boolean usable;

    private RootCheck() {}

    static void requireUsablePostgresUser() {
        if (usable == null) {
            synchronized (RootCheck.class) {
                if (usable == null) {
                    final String problem = problem();
                    if (problem != null) {
                        throw new IllegalStateException(problem);
                    }
                    usable = Boolean.TRUE;
                }
            }
        }
    }

    /** Null if PostgreSQL can run, the reason otherwise. */
    private static String problem() {
        if (!isRoot()) {
            return null;
        }
        // The same two questions zonky asks before it decides to use unshare.
        final String uid = run("unshare", "-U", "id", "-u");
        if (!uid.matches("\\d+") || uid.equals("0")) {
            return explain("unshare -U id -u", uid);
        }
        final String name = run("unshare", "-U", "id", "-un");
        if (!name.matches("[\\w.-]+")) {
            return explain("unshare -U id -un", name + " (uid " + uid + " needs an /etc/passwd entry, e.g. nobody)");
        }
        return null;
    }

    private static String explain(final String probe, final String answer) {
        return "PostgreSQL refuses to run as root, and this JVM runs as root. Embedded PostgreSQL (zonky) then "
                + "runs it in a new user namespace, but `" + probe + "` gave: " + answer + ". Fix one of: "
                + "run the build as a non-root user; allow user namespaces (sysctl user.max_user_namespaces > 0, "
                + "and in a container a seccomp profile that permits unshare with CLONE_NEWUSER); "
                + "install util-linux if `unshare` is missing.";
    }

    private static boolean isRoot() {
        try {
            // The owner of /proc/self is this process's effective uid.
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (final IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Trimmed output if the command exits 0, a description of the failure otherwise. */
    private static String run(final String... command) {
        try {
            final Process probe =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return "no answer within 10 s";
            }
            return probe.exitValue() == 0 ? output : "exit code " + probe.exitValue() + ": " + output;
        } catch (final IOException e) {
            return e.getMessage();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
