package io.realmcluster.controlplane.login;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Who may try to log in now: a token bucket of attempts per address, registrations per address, and
 * failures that make the address and the account wait, twice as long at each failure past a few, up to a
 * cap. Nothing sleeps: a caller asked to wait is told for how long. State lives in bounded caches whose
 * entries expire, so an attacker with many addresses or names cannot grow memory without bound.
 * Thread-safe: each entry is changed under its own lock.
 */
final class LoginThrottle {
    /** Failures an address may make before it waits (players behind one NAT share an address). */
    static final int FREE_FAILURES_PER_IP = 10;
    /** Failures an account may see before it waits (a player's typos). */
    static final int FREE_FAILURES_PER_ACCOUNT = 3;

    static final long FIRST_WAIT_MILLIS = 1_000;
    static final long MAX_WAIT_MILLIS = 60_000;
    /** Entries of each kind kept at most; the least recently used go first. */
    static final int MAX_ENTRIES = 100_000;
    /** An entry untouched this long is forgotten: longer than any wait, so nobody escapes one by waiting less. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    /** Account names longer than any valid one are cut before they key an entry. */
    private static final int MAX_ACCOUNT_KEY = 40;

    private final Clock clock;
    private final double attemptsPerSecond;
    private final double registrationsPerHour;
    private final Cache<InetAddress, Address> addresses;
    private final Cache<String, Failures> accounts;

    /** What a caller is told: go on (0), or wait this long and who waits. */
    record Verdict(long waitMillis, String who) {
        static final Verdict GO = new Verdict(0, "");

        boolean allowed() {
            return waitMillis == 0;
        }

        /** The wait rounded up to whole seconds, for messages. */
        long waitSeconds() {
            return Math.max(1, (waitMillis + 999) / 1000);
        }
    }

    LoginThrottle(final LoginLimits limits, final Clock clock) {
        this.clock = clock;
        this.attemptsPerSecond = limits.attemptsPerSecondPerIp();
        this.registrationsPerHour = limits.registrationsPerHourPerIp();
        final Ticker ticker = new Ticker() {
            @Override
            public long read() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }
        };
        this.addresses = CacheBuilder.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterAccess(FORGET_AFTER)
                .ticker(ticker)
                .build();
        this.accounts = CacheBuilder.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterAccess(FORGET_AFTER)
                .ticker(ticker)
                .build();
    }

    /** May {@code ip} try {@code account}'s password now? Takes one of the address's attempts when it may. */
    Verdict attempt(final InetAddress ip, final String account) {
        final long now = clock.millis();
        final Address address = address(ip);
        synchronized (address) {
            final long addressWait = address.failures.waitMillis(now);
            if (addressWait > 0) {
                return new Verdict(addressWait, "address");
            }
        }
        final Failures failures = accounts.getIfPresent(accountKey(account));
        if (failures != null) {
            synchronized (failures) {
                final long accountWait = failures.waitMillis(now);
                if (accountWait > 0) {
                    return new Verdict(accountWait, "account");
                }
            }
        }
        synchronized (address) {
            final long rateWait = address.attempts.take(now);
            return rateWait == 0 ? Verdict.GO : new Verdict(rateWait, "address");
        }
    }

    /** May {@code ip} register an account now? Takes one of its registrations when it may. */
    Verdict register(final InetAddress ip) {
        final Address address = address(ip);
        synchronized (address) {
            final long wait = address.registrations.take(clock.millis());
            return wait == 0 ? Verdict.GO : new Verdict(wait, "address");
        }
    }

    /** A wrong password (or an unknown account) from {@code ip}: both wait longer from now on. */
    void failed(final InetAddress ip, final String account) {
        final long now = clock.millis();
        final Address address = address(ip);
        synchronized (address) {
            address.failures.fail(now, FREE_FAILURES_PER_IP);
        }
        final Failures failures = get(accounts, accountKey(account), Failures::new);
        synchronized (failures) {
            failures.fail(now, FREE_FAILURES_PER_ACCOUNT);
        }
    }

    /** The right password: the account's and the address's failures are forgiven. */
    void succeeded(final InetAddress ip, final String account) {
        final Address address = addresses.getIfPresent(key(ip));
        if (address != null) {
            synchronized (address) {
                address.failures.reset();
            }
        }
        accounts.invalidate(accountKey(account));
    }

    /** Entries held now (tests: bounded however many addresses call). */
    long entries() {
        addresses.cleanUp();
        accounts.cleanUp();
        return addresses.size() + accounts.size();
    }

    private Address address(final InetAddress ip) {
        return get(addresses, key(ip), Address::new);
    }

    private <K, V> V get(final Cache<K, V> cache, final K key, final Supplier<V> make) {
        try {
            return cache.get(key, make::get);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot make a throttle entry", e);
        }
    }

    /** An IPv6 client owns its whole /64: one entry for it, or it would rotate addresses past every limit. */
    private static InetAddress key(final InetAddress ip) {
        if (ip == null) {
            return InetAddress.getLoopbackAddress();
        }
        if (ip instanceof Inet6Address) {
            final byte[] bytes = ip.getAddress();
            for (int i = 8; i < bytes.length; i++) {
                bytes[i] = 0;
            }
            try {
                return InetAddress.getByAddress(bytes);
            } catch (final UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return ip;
    }

    private static String accountKey(final String account) {
        final String lower = account.toLowerCase(Locale.ROOT);
        return lower.length() > MAX_ACCOUNT_KEY ? lower.substring(0, MAX_ACCOUNT_KEY) : lower;
    }

    /** One address's buckets and failures. */
    private final class Address {
        final Bucket attempts = new Bucket(attemptsPerSecond, 2 * attemptsPerSecond, 1_000);
        final Bucket registrations = new Bucket(registrationsPerHour, registrationsPerHour, 3_600_000);
        final Failures failures = new Failures();
    }

    /** A token bucket in wall-clock milliseconds: {@code rate} per {@code perMillis}, at most {@code burst}. */
    private final class Bucket {
        private final double perMilli;
        private final double burst;
        private double tokens;
        private long refilledAt;

        Bucket(final double rate, final double burst, final long perMillis) {
            this.perMilli = rate / perMillis;
            this.burst = Math.max(1, burst);
            this.tokens = this.burst;
            this.refilledAt = clock.millis();
        }

        /** 0 when a token was taken, else the milliseconds until one will be there. */
        long take(final long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - refilledAt) * perMilli);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli));
        }
    }

    /** Consecutive failures and the wait they earned. */
    private static final class Failures {
        private int count;
        private long blockedUntil;

        long waitMillis(final long now) {
            return Math.max(0, blockedUntil - now);
        }

        void fail(final long now, final int free) {
            count++;
            if (count > free) {
                final int doublings = Math.min(count - free - 1, 20);
                blockedUntil = now + Math.min(MAX_WAIT_MILLIS, FIRST_WAIT_MILLIS << doublings);
            }
        }

        void reset() {
            count = 0;
            blockedUntil = 0;
        }
    }
}
