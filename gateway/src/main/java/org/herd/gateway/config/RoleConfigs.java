package org.herd.gateway.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Value parsers shared by the role configurations. */
final class RoleConfigs {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private RoleConfigs() {
    }

    /** An IP literal (no name lookup: a role must not depend on DNS to start) and a port. */
    static InetSocketAddress endpoint(HerdConfiguration c, String addressKey, String portKey) {
        return endpoint(c, addressKey, portKey, 1);
    }

    /** An IP literal and a port of at least {@code minPort} (0: any free port). */
    static InetSocketAddress endpoint(HerdConfiguration c, String addressKey, String portKey, int minPort) {
        String a = c.string(addressKey);
        if (!IP_LITERAL.matcher(a).matches()) {
            throw c.invalid(addressKey, "not an IPv4 or IPv6 literal");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw c.invalid(addressKey, "not an IPv4 or IPv6 literal");
        }
        return new InetSocketAddress(ip, c.intValue(portKey, minPort, 65535));
    }

    /**
     * A comma-separated list of {@code name=ip:port} ({@code [ip6]:port} for IPv6), e.g.
     * {@code alpha=127.0.0.1:7000, beta=127.0.0.1:7001}; IP literals only. Required if {@code required}.
     */
    static java.util.Map<String, InetSocketAddress> endpointMap(HerdConfiguration c, String key, boolean required) {
        java.util.Map<String, InetSocketAddress> out = new java.util.LinkedHashMap<>();
        List<String> entries = c.list(key);
        if (required && entries.isEmpty()) {
            throw new ConfigException(key, key + " is required but not set (from " + c.source(key) + ")");
        }
        for (String e : entries) {
            int eq = e.indexOf('=');
            int colon = e.lastIndexOf(':');
            if (eq <= 0 || colon <= eq + 1) {
                throw c.invalid(key, "'" + e + "' is not name=ip:port");
            }
            String name = e.substring(0, eq).trim();
            String host = e.substring(eq + 1, colon).trim();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1).trim());
            } catch (NumberFormatException x) {
                throw c.invalid(key, "'" + e + "' has no port number");
            }
            if (!IP_LITERAL.matcher(host).matches() || port < 1 || port > 65535) {
                throw c.invalid(key, "'" + e + "' is not name=ip:port with an IP literal and a port in [1, 65535]");
            }
            try {
                out.put(name, new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (UnknownHostException x) {
                throw c.invalid(key, "'" + e + "' is not an IP literal");
            }
        }
        return out;
    }

    /** A comma-separated list of paths. */
    static List<Path> paths(HerdConfiguration c, String key) {
        List<Path> out = new ArrayList<>();
        for (String s : c.list(key)) {
            try {
                out.add(Path.of(s));
            } catch (java.nio.file.InvalidPathException e) {
                throw c.invalid(key, "'" + s + "' is not a path");
            }
        }
        return List.copyOf(out);
    }
}
