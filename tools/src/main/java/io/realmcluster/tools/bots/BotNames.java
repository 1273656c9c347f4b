package io.realmcluster.tools.bots;

import java.util.Random;
import java.util.regex.Pattern;

/** Account and character names of the bots of one run: {@code <prefix>bot<i>} and {@code <prefix><i in letters>}. */
public final class BotNames {
    /** The control plane's rule for account names. */
    static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_]{3,32}");
    /** The control plane's rule for character names. */
    static final Pattern CHARACTER = Pattern.compile("[A-Za-z]{2,12}");

    static final int MAX_CHARACTER = 12;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z]{1,10}");

    private BotNames() {}

    /** Four random lowercase letters. */
    static String randomPrefix(final Random random) {
        final char[] letters = new char[4];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(letters);
    }

    /** The account of bot {@code index}. */
    public static String account(final String prefix, final int index) {
        return prefix + "bot" + index;
    }

    /** The character of bot {@code index}: the prefix and the index in letters. */
    public static String character(final String prefix, final int index) {
        return prefix + letters(index);
    }

    /**
     * A non-negative number in bijective base 26 with lowercase letters: 0 is "a", 25 "z", 26 "aa".
     * Distinct numbers give distinct strings, even ignoring case.
     */
    static String letters(final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative index " + value);
        }
        final StringBuilder reversed = new StringBuilder(8);
        long n = (long) value + 1;
        while (n > 0) {
            n--;
            reversed.append((char) ('a' + (int) (n % 26)));
            n /= 26;
        }
        return reversed.reverse().toString();
    }

    /** Null when {@code prefix} gives valid names to {@code count} bots, else what is wrong. */
    static String checkPrefix(final String prefix, final int count) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            return "name prefix must be 1 to 10 letters (character names are letters only), got '" + prefix + "'";
        }
        final String longest = character(prefix, Math.max(0, count - 1));
        if (longest.length() > MAX_CHARACTER) {
            return "name prefix '" + prefix + "' is too long for " + count + " bots: character name '" + longest
                    + "' is longer than " + MAX_CHARACTER + " letters";
        }
        if (!ACCOUNT.matcher(account(prefix, Math.max(0, count - 1))).matches()) {
            return "name prefix '" + prefix + "' gives invalid account names";
        }
        return null;
    }
}
