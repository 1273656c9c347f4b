package io.realmcluster.tools.localcluster;

import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.processes.ScriptProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Supplier;

/** A process the launcher keeps running: what the {@link Supervisor} reads of it, and how it starts it again. */
interface SupervisedProcess {
    String name();

    long pid();

    boolean isAlive();

    /** How the last run ended, e.g. "code 137 (killed by SIGKILL)"; only asked once it is not alive. */
    String exit();

    /** Start it again with the same command, ports and data; returns once started (PostgreSQL: once it serves). */
    void restart();

    /** A launch script's process (control plane, node, bots), started again by {@code start}. */
    static Script script(final String name, final Supplier<ScriptProcess> start) {
        return new Script(name, start);
    }

    /**
     * An etcd member named {@code name}, started again on its ports and data directory without waiting for its
     * health: when every member is down, none is healthy before a quorum of them is started again.
     */
    static SupervisedProcess etcd(final String name, final EtcdProcess etcd) {
        return new SupervisedProcess() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long pid() {
                return etcd.pid();
            }

            @Override
            public boolean isAlive() {
                return etcd.isAlive();
            }

            @Override
            public String exit() {
                return ExitDescription.of(etcd.exitValue());
            }

            @Override
            public void restart() {
                etcd.restartWithoutWaiting();
            }
        };
    }

    /** PostgreSQL's postmaster, which pg_ctl started: its exit code is not this JVM's to read. */
    static SupervisedProcess postgres(final PostgresProcess postgres) {
        return new SupervisedProcess() {
            @Override
            public String name() {
                return "postgres";
            }

            @Override
            public long pid() {
                return postgres.pid();
            }

            @Override
            public boolean isAlive() {
                return postgres.isAlive();
            }

            @Override
            public String exit() {
                return "a code the launcher cannot read (pg_ctl started the postmaster)";
            }

            @Override
            public void restart() {
                postgres.restart();
            }
        };
    }

    /** A launch script's process; {@link #current()} is the run the launcher stops at the end. */
    final class Script implements SupervisedProcess {
        private final String name;
        private final Supplier<ScriptProcess> start;
        private volatile ScriptProcess current;

        private Script(final String name, final Supplier<ScriptProcess> start) {
            this.name = name;
            this.start = start;
            this.current = start.get();
        }

        ScriptProcess current() {
            return current;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long pid() {
            return current.pid();
        }

        @Override
        public boolean isAlive() {
            return current.isAlive();
        }

        @Override
        public String exit() {
            return ExitDescription.of(current.exitValue());
        }

        @Override
        public void restart() {
            final ScriptProcess last = current;
            // Its output was read to the end (or a grandchild holds the pipe): the log is complete enough to keep.
            last.stop(Duration.ZERO);
            keepLastLog(last.logFile());
            current = start.get();
        }

        /** NAME.log becomes NAME.previous.log: a new run writes its log afresh, and the crash's lines must stay. */
        private static void keepLastLog(final Path log) {
            if (!Files.exists(log)) {
                return;
            }
            final String file = log.getFileName().toString();
            final String previous = file.endsWith(".log")
                    ? file.substring(0, file.length() - ".log".length()) + ".previous.log"
                    : file + ".previous";
            try {
                Files.move(log, log.resolveSibling(previous), StandardCopyOption.REPLACE_EXISTING);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot keep the log of the last run, " + log, e);
            }
        }
    }
}
