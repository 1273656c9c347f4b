package io.realmcluster.controlplane.login;

/**
 * How much one address may ask of Login, and how much password hashing runs at once.
 *
 * @param attemptsPerSecondPerIp logins and character creations one address may try a second (a burst of
 *     twice that after a quiet spell); failed ones also make the address and the account wait, doubling.
 * @param registrationsPerHourPerIp accounts one address may register an hour (all of them at once after a
 *     quiet hour).
 * @param hashThreads threads that hash and check passwords (PBKDF2 takes a core while it runs).
 * @param hashQueue calls waiting for a hashing thread; past it, callers are told RESOURCE_EXHAUSTED at once.
 */
public record LoginLimits(
        double attemptsPerSecondPerIp, double registrationsPerHourPerIp, int hashThreads, int hashQueue) {
    /** Ten attempts a second and ten registrations an hour per address, a hashing thread per core. */
    public static final double DEFAULT_ATTEMPTS_PER_SECOND = 10;

    public static final double DEFAULT_REGISTRATIONS_PER_HOUR = 10;

    public LoginLimits {
        if (attemptsPerSecondPerIp <= 0 || registrationsPerHourPerIp <= 0) {
            throw new IllegalArgumentException("login limits must be positive, got " + attemptsPerSecondPerIp
                    + " attempts/s and " + registrationsPerHourPerIp + " registrations/h per address");
        }
        if (hashThreads < 1 || hashQueue < 1) {
            throw new IllegalArgumentException("the hashing pool needs at least one thread and one queue slot, got "
                    + hashThreads + " and " + hashQueue);
        }
    }

    /** The defaults on this machine: a hashing thread per core, four calls queued per thread. */
    public static LoginLimits defaults() {
        return perCore(DEFAULT_ATTEMPTS_PER_SECOND, DEFAULT_REGISTRATIONS_PER_HOUR);
    }

    /** These rates, with a hashing thread per core and four calls queued per thread. */
    public static LoginLimits perCore(final double attemptsPerSecond, final double registrationsPerHour) {
        final int cores = Runtime.getRuntime().availableProcessors();
        return new LoginLimits(attemptsPerSecond, registrationsPerHour, cores, 4 * cores);
    }
}
