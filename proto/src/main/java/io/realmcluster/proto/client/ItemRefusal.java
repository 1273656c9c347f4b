package io.realmcluster.proto.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Why a node refused an item or trade request (ITEM_REFUSED's reason byte, and a cancelled trade's). */
public enum ItemRefusal {
    NO_SUCH_ITEM(1, "no item there"),
    WRONG_SLOT(2, "that item does not go in that slot"),
    CLASS_CANNOT(3, "your class cannot use that item"),
    BAGS_FULL(4, "your bags are full"),
    OUT_OF_RANGE(5, "too far away"),
    NOT_YOURS(6, "that is not yours"),
    TOO_MANY(7, "you do not have that many"),
    BUSY(8, "busy, try again"),
    ALREADY_TRADING(9, "already trading"),
    NOT_HERE(10, "no such player here"),
    TRADE_CHANGED(11, "the trade changed"),
    NOT_TRADING(12, "not trading"),
    BAG_NOT_EMPTY(13, "that bag is not empty"),
    NOT_ENOUGH_MONEY(14, "not enough money"),
    OTHER_REALM(15, "that player is of another realm"),
    NOTHING_TO_LOOT(16, "nothing to loot"),
    /** The realm's database is not taking saves: nothing that must be durable is done until it does. */
    SAVES_UNAVAILABLE(17, "the realm cannot save right now; try again shortly"),
    /** A code this version does not know; in TRADE_STATE, 0 means no reason. */
    UNKNOWN(0, "refused");

    private static final ItemRefusal[] BY_CODE = new ItemRefusal[256];

    static {
        for (final ItemRefusal reason : values()) {
            BY_CODE[reason.code] = reason;
        }
    }

    private final int code;
    private final byte[] text;

    ItemRefusal(final int code, final String text) {
        this.code = code;
        this.text = text.getBytes(StandardCharsets.US_ASCII);
    }

    public int code() {
        return code;
    }

    /** The reason's text as ASCII, written by {@link ServerMessages#itemRefused} without allocating; do not change it. */
    byte[] text() {
        return text;
    }

    /** The reason a code names, or {@link #UNKNOWN} for one this version does not know. */
    public static ItemRefusal of(final int code) {
        final ItemRefusal reason = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return reason == null ? UNKNOWN : reason;
    }

    /** Label for metrics and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
