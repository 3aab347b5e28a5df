package org.herd.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code herd} subcommand run by a benchmark as its own JVM ({@code java -cp <this classpath>
 * org.herd.gateway.cli.HerdMain ...}, standard error to a log file), started with
 * {@code --exit-on-stdin-eof} so that it stops when the benchmark's pipe to it closes, even if the
 * benchmark is SIGKILLed. Its JSON lines on standard output are kept; commands go to its standard input.
 */
final class BenchChild {

    final String name;
    private final Process process;
    private final OutputStream stdin;
    private final List<String> lines = new ArrayList<>();

    private BenchChild(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
            synchronized (lines) {
                lines.notifyAll();
            }
        }, "bench-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Starts {@code herd args...} with the JVM options {@code jvm}; standard error goes to {@code log}. */
    static BenchChild start(String name, List<String> jvm, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.herd.gateway.cli.HerdMain"));
        cmd.addAll(List.of(args));
        cmd.add("--exit-on-stdin-eof");
        return new BenchChild(name, new ProcessBuilder(cmd).redirectError(log.toFile()).start());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The first line from index {@code from} on matching {@code match}, waiting up to {@code millis}; null on timeout or exit. */
    String await(int from, Predicate<String> match, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lines) {
            int i = from;
            while (true) {
                for (; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        return lines.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    return null;
                }
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** The first line of event {@code event}, waiting up to {@code millis}; null on timeout or exit. */
    String awaitEvent(String event, long millis) throws InterruptedException {
        return await(0, l -> l.startsWith("{\"event\":\"" + event + "\""), millis);
    }

    /** Sends {@code command} and returns the next line of event {@code event} (null after {@code millis}). */
    String request(String command, String event, long millis) throws IOException, InterruptedException {
        int from;
        synchronized (lines) {
            from = lines.size();
        }
        send(command);
        return await(from, l -> l.startsWith("{\"event\":\"" + event + "\""), millis);
    }

    /** The last line of event {@code event} so far, or null. */
    String last(String event) {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("{\"event\":\"" + event + "\"")) {
                    return lines.get(i);
                }
            }
        }
        return null;
    }

    void send(String command) throws IOException {
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** User and system CPU time of the process so far, in nanoseconds, from {@code /proc/<pid>/stat}. */
    long cpuNanos() throws IOException {
        return ProcStat.cpuNanos(process.pid());
    }

    /** Closes its standard input and sends SIGTERM (the child stops by itself; see {@link #await}). */
    void requestStop() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
        process.destroy();
    }

    /** Waits up to 5 s for the child to end after {@link #requestStop}, then SIGKILLs it. */
    void awaitStopOrKill() {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** CPU time and load average from {@code /proc} (Linux). */
    static final class ProcStat {
        private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI in use

        private ProcStat() {
        }

        /** utime + stime of process {@code pid} in nanoseconds (fields 14 and 15 of proc(5) stat). */
        static long cpuNanos(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces; the fields after it start past the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        }

        /**
         * The kernel's receive queue (bytes) and drop count of the UDP socket bound to loopback
         * port {@code port} ({@code /proc/net/udp} and {@code udp6}: rx_queue and drops), or
         * {@code {-1, -1}} if there is none.
         */
        static long[] udpSocket(int port) {
            String hexPort = String.format(java.util.Locale.ROOT, ":%04X", port);
            for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 12 && f[1].endsWith(hexPort)) {
                            long rx = Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                            return new long[] {rx, Long.parseLong(f[f.length - 1])};
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // not Linux, or the table changed under us: no figure
                }
            }
            return new long[] {-1, -1};
        }

        /** The 1-minute load average, or -1 where {@code /proc/loadavg} is missing. */
        static double loadAverage() {
            try {
                return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
