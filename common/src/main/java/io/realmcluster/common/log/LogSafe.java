package io.realmcluster.common.log;

/**
 * Strings from clients and callers made fit for a log line: cut to a length, control characters and
 * line breaks escaped, so a name or a chat line cannot forge a log entry or flood the log.
 */
public final class LogSafe {
    /** Characters kept from a client's string; what is cut is marked with an ellipsis and its length. */
    public static final int MAX_LENGTH = 64;

    private LogSafe() {}

    /** {@code value} truncated to {@link #MAX_LENGTH} characters with its control characters escaped; "null" for null. */
    public static String safe(final String value) {
        return safe(value, MAX_LENGTH);
    }

    /** {@code value} truncated to {@code maxLength} characters with its control characters escaped. */
    public static String safe(final String value, final int maxLength) {
        if (value == null) {
            return "null";
        }
        final int kept = Math.min(value.length(), maxLength);
        final StringBuilder out = new StringBuilder(kept + 16);
        for (int i = 0; i < kept; i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)
                            || Character.getType(c) == Character.FORMAT
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > kept) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }
}
