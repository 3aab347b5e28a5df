package org.herd.gateway.devnet;

import java.net.InetSocketAddress;

/** Parses {@code host:port} and {@code [v6-address]:port} arguments, with clear errors. */
public final class HostPort {

    private HostPort() {
    }

    /** The address named by {@code text}; throws IllegalArgumentException saying what is wrong. */
    public static InetSocketAddress parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("expected [address]:port, got '" + text + "'");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port (IPv6 as [address]:port), got '" + text + "'");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + port + "' is not a number in '" + text + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " out of range in '" + text + "'");
        }
        return new InetSocketAddress(host, p);
    }

    /** {@code host:port}, bracketing IPv6 addresses. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
