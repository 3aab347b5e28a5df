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
        return new InetSocketAddress(ip, c.intValue(portKey, 1, 65535));
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
