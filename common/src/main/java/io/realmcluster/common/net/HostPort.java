package io.realmcluster.common.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;

/** A host and port as operators write them: {@code host:port}, {@code [v6addr]:port}; port 0 means any free port. */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    /** Parse {@code host:port}; the message of the exception quotes the offending text. */
    public static HostPort parse(final String text) {
        final String trimmed = text == null ? "" : text.trim();
        final int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT but got '" + text + "'");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 address needs brackets, e.g. [::1]:7400, in '" + text + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        try {
            return new HostPort(host, port);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in '" + text + "'");
        }
    }

    /** Parse a comma-separated list of {@code host:port}; at least one. */
    public static List<HostPort> parseList(final String text) {
        final List<HostPort> result = new ArrayList<>();
        for (final String part : (text == null ? "" : text).split(",")) {
            if (!part.isBlank()) {
                result.add(parse(part));
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("expected HOST:PORT[,HOST:PORT...] but got '" + text + "'");
        }
        return List.copyOf(result);
    }

    /** The list as operators write it: {@code a:1,b:2}. */
    public static String join(final List<HostPort> list) {
        final StringBuilder sb = new StringBuilder();
        for (final HostPort hostPort : list) {
            sb.append(sb.length() == 0 ? "" : ",").append(hostPort);
        }
        return sb.toString();
    }

    /**
     * A host others can reach: {@code host} itself, or this machine's address when it is a wildcard
     * (0.0.0.0, ::) that only means "every interface".
     */
    public static String advertisable(final String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (final UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /** The same host with another port, e.g. the port a listener actually bound. */
    public HostPort withPort(final int newPort) {
        return new HostPort(host, newPort);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** picocli converter, so options can be typed {@code HostPort} or {@code List<HostPort>} with split ",". */
    public static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(final String value) {
            try {
                return parse(value);
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
