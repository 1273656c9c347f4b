package io.realmcluster.processes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A main class run in a separate JVM with this JVM's java binary and class path, its output in a log
 * file and in memory, and the signals a crash test needs: SIGKILL, SIGTERM, SIGSTOP and SIGCONT.
 */
public final class JavaProcess extends StartedProcess {
    /** Agrona reads jdk.internal.misc; every JVM of the cluster needs this. */
    public static final String AGRONA_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JavaProcess(final ChildProcess child) {
        super(child);
    }

    /**
     * The flags bin/ launchers pass (bin/lib/common.sh), so that a process under test runs as it
     * ships: generational ZGC on 21+ (a node's ticks must not wait on a young-collection pause), and
     * native access and Unsafe allowed so that Netty and Agrona print no warnings into its output.
     */
    static List<String> launcherFlags(final int javaFeatureVersion) {
        final List<String> flags = new ArrayList<>();
        if (javaFeatureVersion >= 21) {
            flags.add("-XX:+UseZGC");
            if (javaFeatureVersion < 23) {
                flags.add("-XX:+ZGenerational");
            }
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        if (javaFeatureVersion >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /** A builder for {@code mainClass}, e.g. {@code "io.realmcluster.dataplane.NodeMain"}. */
    public static Builder builder(final String mainClass) {
        return new Builder(mainClass);
    }

    /** SIGSTOP: the JVM freezes, sockets stay open, as in a long GC pause or a hung host. */
    public void pause() {
        child.pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        child.resume();
    }

    /** What to run and how; {@link #start()} returns as soon as the JVM is forked. */
    public static final class Builder {
        private final String mainClass;
        private String name;
        private String classPath = System.getProperty("java.class.path");
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private Path logDirectory = ChildProcess.defaultLogDirectory();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path input;

        private Builder(final String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        /** Names the log file and the messages; default the main class's simple name. */
        public Builder name(final String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Added after the default flags, before the main class. */
        public Builder jvmArgs(final String... jvmArgs) {
            return jvmArgs(List.of(jvmArgs));
        }

        public Builder jvmArgs(final List<String> jvmArgs) {
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        /** Program arguments, after the main class. */
        public Builder args(final String... args) {
            return args(List.of(args));
        }

        public Builder args(final List<String> args) {
            this.args.addAll(args);
            return this;
        }

        /** An environment variable on top of this JVM's environment. */
        public Builder env(final String key, final String value) {
            env.put(key, value);
            return this;
        }

        /** Default this JVM's {@code java.class.path}. */
        public Builder classPath(final String classPath) {
            this.classPath = Objects.requireNonNull(classPath, "classPath");
            return this;
        }

        /** The JDK or JRE to run, e.g. a newer one than this JVM's; default this JVM's {@code java.home}. */
        public Builder javaHome(final Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        /** Default target/process-logs of the working directory, if it has a target, else a temp directory. */
        public Builder logDirectory(final Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
            return this;
        }

        /** A file fed to standard input, e.g. a password for {@code --password-stdin}; default an open, empty pipe. */
        public Builder input(final Path input) {
            this.input = Objects.requireNonNull(input, "input");
            return this;
        }

        public JavaProcess start() {
            final List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin").resolve("java").toString());
            command.add(AGRONA_EXPORTS);
            command.addAll(launcherFlags(Runtime.version().feature()));
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass);
            command.addAll(args);
            final ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            if (input != null) {
                builder.redirectInput(input.toFile());
            }
            return new JavaProcess(ChildProcess.start(name, builder, logDirectory));
        }
    }
}
