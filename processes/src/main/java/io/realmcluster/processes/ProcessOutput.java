package io.realmcluster.processes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A child's merged stdout and stderr, read by one daemon thread into a log file and into memory, so
 * tests can wait for a line with a deadline instead of sleeping; optionally also onto a console, each
 * line prefixed with the child's name, as the local cluster shows its processes.
 */
final class ProcessOutput {
    private static final int TAIL_LINES = 30;

    private final String owner;
    private final Path logFile;
    private final Writer log;
    private final PrintStream echo;
    private final String echoPrefix;
    private final boolean keepLines;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private boolean ended;
    private IOException failure;

    private ProcessOutput(
            final String owner,
            final InputStream source,
            final Path logFile,
            final PrintStream echo,
            final boolean keepLines) {
        this.owner = owner;
        this.logFile = logFile;
        this.echo = echo;
        this.echoPrefix = String.format("%-8s| ", owner);
        this.keepLines = keepLines;
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            // One run of the process per log: a log file named by the caller is written afresh on each start.
            this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the log of " + owner + " to " + logFile, e);
        }
        this.reader = new Thread(() -> pump(source), "output-" + owner);
        reader.setDaemon(true);
    }

    /**
     * Start reading {@code source} into {@code logFile}, and into {@code echo} unless null; lines are
     * kept in memory for {@link #text()} and {@link #await} only if {@code keepLines}, which a
     * long-running process whose lines nobody awaits should not do.
     */
    static ProcessOutput capture(
            final String owner,
            final InputStream source,
            final Path logFile,
            final PrintStream echo,
            final boolean keepLines) {
        final ProcessOutput output = new ProcessOutput(owner, source, logFile, echo, keepLines);
        output.reader.start();
        return output;
    }

    Path logFile() {
        return logFile;
    }

    synchronized String text() {
        requireKeptLines();
        final StringBuilder text = new StringBuilder();
        for (final String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    /** The first line so far or until the deadline in which {@code pattern} is found. */
    synchronized String await(final Pattern pattern, final Duration deadline) {
        requireKeptLines();
        final long deadlineNanos = System.nanoTime() + deadline.toNanos();
        int next = 0;
        while (true) {
            for (; next < lines.size(); next++) {
                if (pattern.matcher(lines.get(next)).find()) {
                    return lines.get(next);
                }
            }
            if (ended) {
                throw missing(pattern, "its output ended (the process exited or closed stdout)");
            }
            final long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw missing(pattern, "the deadline of " + deadline.toMillis() + " ms passed");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw missing(pattern, "the waiting thread was interrupted");
            }
        }
    }

    /** Wait until the child's end of the pipe is closed; false if it is still open at the deadline. */
    synchronized boolean awaitEnd(final Duration deadline) {
        final long deadlineNanos = System.nanoTime() + deadline.toNanos();
        while (!ended) {
            final long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return ended;
            }
        }
        return true;
    }

    private void requireKeptLines() {
        if (!keepLines) {
            throw new IllegalStateException(
                    "the output of " + owner + " is not kept in memory, only in its log " + logFile);
        }
    }

    private IllegalStateException missing(final Pattern pattern, final String why) {
        final int from = Math.max(0, lines.size() - TAIL_LINES);
        return new IllegalStateException("no line of " + owner + " matched /" + pattern + "/: " + why
                + (failure == null ? "" : " (reading its output failed: " + failure + ")")
                + "; log " + logFile + ", last lines:\n" + String.join("\n", lines.subList(from, lines.size())));
    }

    private void pump(final InputStream source) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8));
                Writer out = log) {
            String line;
            while ((line = in.readLine()) != null) {
                // Flushed per line so the file is complete up to a crash or a SIGKILL of this JVM.
                out.write(line);
                out.write('\n');
                out.flush();
                if (echo != null) {
                    echo.println(echoPrefix + line);
                }
                if (keepLines) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            }
        } catch (final IOException e) {
            // Kept out of the lines: tests compare output() with what the child printed.
            synchronized (this) {
                failure = e;
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }
}
