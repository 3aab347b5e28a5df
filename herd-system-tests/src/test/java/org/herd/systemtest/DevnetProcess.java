package org.herd.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code herd} process (devnet: a process tree) started by a system test with the test's own classpath, its standard
 * output collected line by line (standard error goes to a file). Closing it destroys the process
 * tree: SIGTERM, then SIGKILL after 10 s.
 */
final class DevnetProcess implements AutoCloseable {

    final Process process;
    private final List<String> lines = new ArrayList<>();

    DevnetProcess(Path stderr, String... args) throws IOException {
        // Surefire may hide the classpath in a manifest-only jar; it publishes the real one here.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", cp, "org.herd.gateway.cli.HerdMain"));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("[herd] " + line);
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "herd-stdout");
        t.setDaemon(true);
        t.start();
    }

    /** Waits up to {@code millis} for a line containing {@code text}; null if none came. */
    String await(String text, long millis) throws InterruptedException {
        return await(l -> l.contains(text), millis);
    }

    /** Waits up to {@code millis} for a line matching {@code match}; null if none came. */
    String await(java.util.function.Predicate<String> match, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (match.test(l)) {
                        return l;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits up to {@code millis} for the {@code n}-th line containing {@code text} (n from 1); null if none came. */
    String awaitNth(String text, int n, long millis) throws InterruptedException {
        String line = await(l -> l.contains(text) && lines().stream().filter(x -> x.contains(text)).count() >= n, millis);
        return line == null ? null : lines().stream().filter(x -> x.contains(text)).skip(n - 1).findFirst().orElseThrow();
    }

    /** Every line so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : tree) {
            h.destroyForcibly();
        }
    }
}
