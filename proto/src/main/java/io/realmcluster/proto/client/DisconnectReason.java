package io.realmcluster.proto.client;

import java.util.Locale;

/** Why a node closes a client's session: the DISCONNECT frame's reason byte. */
public enum DisconnectReason {
    MALFORMED_FRAME(1),
    VERSION_MISMATCH(2),
    BAD_TOKEN(3),
    EXPIRED_TOKEN(4),
    WRONG_NODE(5),
    FLOOD(6),
    UNKNOWN_MAP(7),
    SLOW_CONSUMER(8),
    LOGOUT(9),
    SHUTDOWN(10),
    DUPLICATE_LOGIN(11),
    TIMEOUT(12),
    MAP_CLOSED(13),
    OUT_OF_ORDER(14),
    MAP_FULL(15),
    CHARACTER_UNAVAILABLE(16),
    DATABASE_UNAVAILABLE(17),
    /** A standby connection whose character did not come to this node in time: play on where it is. */
    STANDBY_ENDED(18),
    /** The session token was shown before: a token works once; log in again. */
    TOKEN_REPLAYED(19),
    /** ENTER_WORLD named another map instance than the session token. */
    WRONG_INSTANCE(20),
    UNKNOWN(0);

    private static final DisconnectReason[] BY_CODE = new DisconnectReason[256];

    static {
        for (final DisconnectReason reason : values()) {
            BY_CODE[reason.code] = reason;
        }
    }

    private final int code;

    DisconnectReason(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason a code names, or {@link #UNKNOWN} for one this version does not know. */
    public static DisconnectReason of(final int code) {
        final DisconnectReason reason = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return reason == null ? UNKNOWN : reason;
    }

    /** Label for metrics and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
