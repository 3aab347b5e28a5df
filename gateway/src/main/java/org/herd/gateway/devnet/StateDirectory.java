package org.herd.gateway.devnet;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * What the tools that run a network of {@code herd} processes on this machine ({@code herd devnet},
 * {@code herd bench mix}) do with their state directory: write one properties file per process,
 * pick free loopback ports, delete the directory when they stop.
 */
public final class StateDirectory {

    private StateDirectory() {
    }

    /** Writes {@code values} as a properties file (backslashes escaped) and returns {@code file}. */
    public static Path writeConfig(Path file, Map<String, String> values) throws IOException {
        StringBuilder sb = new StringBuilder("# written by herd\n");
        values.forEach((k, v) -> sb.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, sb.toString());
        return file;
    }

    /** A UDP port free on loopback now (the child binds it a moment later; loopback only). */
    public static InetSocketAddress freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    /** Deletes {@code root} and everything below it, best effort (a temporary directory). */
    public static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
