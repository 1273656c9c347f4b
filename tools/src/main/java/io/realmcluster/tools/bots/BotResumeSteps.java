package io.realmcluster.tools.bots;

import org.HdrHistogram.Histogram;

/**
 * One bot's way back into the world after its node connection broke, step by step: the waits and tries
 * before the Resume call that was answered, that call (which may wait for the map to run again), the
 * connection to the node it named up to WELCOME (TCP, TLS, HELLO and the node's claim of the character),
 * and WORLD_ENTERED. Each step's time goes to the loop's histograms once the bot is back, so that a slow
 * return says which step it was slow in. On the bot's loop thread only.
 */
final class BotResumeSteps {
    /** The loop's histograms of each step, microseconds, per return. */
    static final class Histograms {
        /** The break to the Resume call that was answered: backoff waits and the tries that failed. */
        final Histogram waits = new Histogram(3);
        /** That call to its answer: the control plane's Resume, waiting for the map to run if it does not. */
        final Histogram resume = new Histogram(3);
        /** The answer to WELCOME: the connection, its TLS handshake, HELLO and the node's claim. */
        final Histogram welcome = new Histogram(3);
        /** WELCOME to WORLD_ENTERED: ENTER_WORLD and the join of the map. */
        final Histogram enter = new Histogram(3);

        void add(final Histograms other) {
            waits.add(other.waits);
            resume.add(other.resume);
            welcome.add(other.welcome);
            enter.add(other.enter);
        }
    }

    private long calledAt;
    private long answeredCallAt;
    private long answeredAt;
    private long welcomedAt;

    /** A Resume call goes out at {@code now}. */
    void called(final long now) {
        calledAt = now;
    }

    /** The last call was answered at {@code now}: the bot connects where it said. */
    void answered(final long now) {
        answeredCallAt = calledAt;
        answeredAt = now;
        welcomedAt = 0;
    }

    /** The node let the bot in. */
    void welcomed(final long now) {
        if (answeredAt != 0 && welcomedAt == 0) {
            welcomedAt = now;
        }
    }

    /** Back in the world at {@code now} after the break at {@code brokeAt}: a complete return's steps go to {@code into}. */
    void back(final long brokeAt, final long now, final Histograms into) {
        if (answeredCallAt != 0 && answeredAt != 0 && welcomedAt != 0) {
            into.waits.recordValue(micros(answeredCallAt - brokeAt));
            into.resume.recordValue(micros(answeredAt - answeredCallAt));
            into.welcome.recordValue(micros(welcomedAt - answeredAt));
            into.enter.recordValue(micros(now - welcomedAt));
        }
        reset();
    }

    /** A new break: nothing of an earlier return counts. */
    void reset() {
        calledAt = 0;
        answeredCallAt = 0;
        answeredAt = 0;
        welcomedAt = 0;
    }

    private static long micros(final long nanos) {
        return Math.max(0, nanos) / 1000;
    }
}
