package io.realmcluster.tools.localcluster;

import java.util.Map;

/** A child's exit as an operator reads it: "code 137 (killed by SIGKILL)". */
final class ExitDescription {
    /** The signals a process is usually ended by on Linux, by number. */
    private static final Map<Integer, String> SIGNALS =
            Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private ExitDescription() {}

    /** {@code code} as a shell reports it: above 128, a signal's number plus 128. */
    static String of(final int code) {
        if (code > 128 && code < 128 + 65) {
            final int signal = code - 128;
            return "code " + code + " (killed by " + SIGNALS.getOrDefault(signal, "signal " + signal) + ")";
        }
        return "code " + code;
    }
}
