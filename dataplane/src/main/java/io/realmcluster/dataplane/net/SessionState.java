package io.realmcluster.dataplane.net;

import java.util.Locale;

/** Where a client session is in its life; its event loop moves it, in {@code ClientSession.transition} only. */
enum SessionState {
    /** Connected, no HELLO yet: closed with TIMEOUT when none comes in time. */
    NEW,
    /**
     * A second connection of a player whose map moves to this node, waiting for the character's transfer to
     * be claimed here (then it goes on as a transferred client's HELLO); closed with STANDBY_ENDED when it
     * does not come in time.
     */
    STANDBY,
    /** The token was good; the character store claims the character for this node. */
    CLAIMING,
    /** Claimed and told WELCOME: ENTER_WORLD may come. */
    AUTHENTICATED,
    /** Its character is on a map here, which takes its inputs. */
    IN_WORLD,
    /** Logged out, the character handed back to its map, which saves it; DISCONNECT once that save settles. */
    LEAVING,
    /** Its last frame is sent, or the connection is gone. */
    CLOSED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The state as a metric label. */
    String label() {
        return label;
    }
}
