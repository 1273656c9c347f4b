package io.realmcluster.processes;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Any command, typically one of the launch scripts in bin/, with its output in a log file and in memory,
 * and its whole process tree killed on {@link #close()}. The local cluster runs its control plane, nodes
 * and bots as these, through {@link #builder}.
 */
public final class ScriptProcess extends StartedProcess {
    private ScriptProcess(final ChildProcess child) {
        super(child);
    }

    /** Run {@code command} (program first) in this JVM's working directory and environment. */
    public static ScriptProcess start(final String name, final List<String> command) {
        return start(name, new ProcessBuilder(command));
    }

    /** Run {@code command} as {@link #start(String, List)} does, in a session of its own, as a terminal runs it (see {@link #interruptGroup()}). */
    public static ScriptProcess startInOwnSession(final String name, final List<String> command) {
        return start(name, Executables.inOwnSession(command));
    }

    /** Run a prepared builder, for a working directory or environment of its own; its output is redirected. */
    public static ScriptProcess start(final String name, final ProcessBuilder builder) {
        return new ScriptProcess(ChildProcess.start(name, builder, ChildProcess.defaultLogDirectory()));
    }

    /** Settings beyond the defaults of {@link #start(String, List)}: a log file, a console, who stops it. */
    public static Builder builder(final String name, final List<String> command) {
        return new Builder(name, command);
    }

    /** The exit code; fails while the process runs. */
    public int exitValue() {
        return child.exitValue();
    }

    /** The processes it has started and that still run, e.g. to check that they end with it. */
    public List<ProcessHandle> descendants() {
        return child.descendants();
    }

    /** SIGTERM, without waiting: what Ctrl-C or a service manager sends to a launcher. */
    public void terminate() {
        child.terminate();
    }

    /**
     * Ctrl-C: SIGINT to every process of the group the script leads, which it must, started by
     * {@link #startInOwnSession}. Its children that run in sessions of their own do not get it.
     */
    public void interruptGroup() {
        child.interruptGroup();
    }

    /** What to run and how; {@link #start()} returns as soon as the process is forked. */
    public static final class Builder {
        private final String name;
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path logFile;
        private PrintStream echo;
        private boolean inOwnSession;
        private boolean keepOutputInMemory = true;
        private boolean stopOnJvmExit = true;

        private Builder(final String name, final List<String> command) {
            this.name = Objects.requireNonNull(name, "name");
            this.command = List.copyOf(command);
        }

        /** Variables on top of this JVM's environment. */
        public Builder environment(final Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** The log, written afresh; default {@code <name>-<pid>.log} in target/process-logs or a temp directory. */
        public Builder logFile(final Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /** Every line also to {@code console}, prefixed with the name, e.g. {@code node-1  | ...}. */
        public Builder echoTo(final PrintStream console) {
            this.echo = Objects.requireNonNull(console, "console");
            return this;
        }

        /** In a session of its own (through setsid, where there is one), out of reach of the terminal's Ctrl-C. */
        public Builder inOwnSession() {
            this.inOwnSession = true;
            return this;
        }

        /**
         * False for a long-running process whose lines nobody awaits, so that they do not pile up in
         * this JVM: {@link #output()} and {@link #awaitOutput} then fail, and the log holds them.
         */
        public Builder keepOutputInMemory(final boolean keep) {
            this.keepOutputInMemory = keep;
            return this;
        }

        /**
         * False when the caller stops the process itself, in an order of its own; by default it is
         * SIGKILLed with everything it started when this JVM exits.
         */
        public Builder stopOnJvmExit(final boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        public ScriptProcess start() {
            final ProcessBuilder builder =
                    new ProcessBuilder(inOwnSession ? Executables.inOwnSession(command) : command);
            builder.environment().putAll(environment);
            return new ScriptProcess(ChildProcess.start(
                    name,
                    builder,
                    new ChildProcess.Settings(
                            ChildProcess.defaultLogDirectory(), logFile, echo, keepOutputInMemory, stopOnJvmExit)));
        }
    }
}
