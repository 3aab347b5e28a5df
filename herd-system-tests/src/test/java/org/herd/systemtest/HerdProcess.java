package org.herd.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code herd} subcommand running as a separate JVM on this machine's loopback, with its
 * standard output collected line by line. Closing it kills the process if it is still alive.
 */
final class HerdProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final String name;

    private HerdProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread out = new Thread(() -> pump(process.inputReader(StandardCharsets.UTF_8), true), name + "-out");
        Thread err = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8)), false), name + "-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /** Starts {@code herd args...} with the test's own class path. */
    static HerdProcess start(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.herd.gateway.cli.HerdMain");
        command.addAll(List.of(args));
        return new HerdProcess(name, new ProcessBuilder(command).start());
    }

    private void pump(BufferedReader reader, boolean stdout) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    if (stdout) {
                        lines.add(line);
                        lines.notifyAll();
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits up to {@code seconds} for a stdout line matching {@code match}. */
    String awaitLine(Predicate<String> match, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no matching line within " + seconds + " s; stdout " + lines
                            + " stderr " + stderr);
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " still running after " + seconds + " s; stderr " + stderr);
        }
        return process.exitValue();
    }

    String stderr() {
        synchronized (lines) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** The value of {@code "key":value} in a one-line JSON object (numbers and strings). */
    static String json(String line, String key) {
        String value = org.herd.gateway.devnet.JsonLines.field(line, key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + line);
        }
        return value;
    }
}
