package io.realmcluster.tools.bots;

import org.HdrHistogram.Histogram;

/**
 * One bot's way into a battleground, step by step: its INVITE_ACCEPT sent, the home node's
 * INVITE_ACCEPTED (the control plane took the accept), the REDIRECT (the home node froze and saved
 * the player and the battleground's node claimed it), the connection to the battleground's node,
 * and WORLD_ENTERED there. Each step's time goes to the loop's histograms once the entry is made,
 * so that a slow entry says which step it was slow in. On the bot's loop thread only.
 */
final class BotEntryPhases {
    /** The loop's histograms of each step, microseconds, per entry. */
    static final class Histograms {
        /** INVITE_ACCEPT sent to INVITE_ACCEPTED: the home node and the control plane's AnswerInvite. */
        final Histogram answer = new Histogram(3);
        /** INVITE_ACCEPTED to REDIRECT: the freeze, the departure save and the offer (admission and claim). */
        final Histogram transfer = new Histogram(3);
        /** REDIRECT to the connection to the battleground's node. */
        final Histogram connect = new Histogram(3);
        /** Connected to WORLD_ENTERED: the handshake, HELLO and the join of the battleground's map. */
        final Histogram enter = new Histogram(3);

        void add(final Histograms other) {
            answer.add(other.answer);
            transfer.add(other.transfer);
            connect.add(other.connect);
            enter.add(other.enter);
        }
    }

    private long acceptedAt;
    private long answeredAt;
    private long redirectedAt;
    private long connectedAt;

    /** INVITE_ACCEPT sent at {@code now}: a new entry starts, what an earlier one left is dropped. */
    void accepted(final long now) {
        acceptedAt = now;
        answeredAt = 0;
        redirectedAt = 0;
        connectedAt = 0;
    }

    /** INVITE_ACCEPTED came. */
    void answered(final long now) {
        if (acceptedAt != 0 && answeredAt == 0) {
            answeredAt = now;
        }
    }

    /** REDIRECT came. */
    void redirected(final long now) {
        if (answeredAt != 0 && redirectedAt == 0) {
            redirectedAt = now;
        }
    }

    /** The connection the REDIRECT led to is up. */
    void connected(final long now) {
        if (redirectedAt != 0 && connectedAt == 0) {
            connectedAt = now;
        }
    }

    /**
     * WORLD_ENTERED into the battleground at {@code now}: the steps of a complete entry go to {@code into};
     * either way the entry is over.
     */
    void entered(final long now, final Histograms into) {
        if (acceptedAt != 0 && answeredAt != 0 && redirectedAt != 0 && connectedAt != 0) {
            into.answer.recordValue(micros(answeredAt - acceptedAt));
            into.transfer.recordValue(micros(redirectedAt - answeredAt));
            into.connect.recordValue(micros(connectedAt - redirectedAt));
            into.enter.recordValue(micros(now - connectedAt));
        }
        acceptedAt = 0;
        answeredAt = 0;
        redirectedAt = 0;
        connectedAt = 0;
    }

    private static long micros(final long nanos) {
        return Math.max(0, nanos) / 1000;
    }
}
