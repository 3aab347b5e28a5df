package org.herd.gateway.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * What every node process of {@code herd mix|zone-directory|client} shares: one JSON object per
 * line on standard output (flushed, written under a lock so lines never interleave), and a stop
 * latch released by SIGTERM/SIGINT (shutdown hook) or — with {@code --exit-on-stdin-eof}, as devnet
 * starts its children — by the end of standard input, so a child never outlives a killed parent.
 */
public final class NodeProcess {

    private final PrintWriter out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** JSON lines go to {@code out}. */
    public NodeProcess(PrintWriter out) {
        this.out = out;
    }

    /** Prints one JSON line. */
    public synchronized void emit(String json) {
        out.println(json);
        out.flush();
    }

    /**
     * Installs the shutdown hook (which waits until {@link #finished()} so the process prints its
     * last line) and, if asked, a reader of standard input passing each line to {@code commands}
     * and stopping at its end.
     */
    public void watch(boolean exitOnStdinEof, Consumer<String> commands) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "herd-stop"));
        if (exitOnStdinEof || commands != null) {
            Thread t = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (commands != null) {
                            commands.accept(line.trim());
                        }
                    }
                } catch (IOException e) {
                    // stdin gone: same as its end
                }
                if (exitOnStdinEof) {
                    stop.countDown();
                }
            }, "herd-stdin");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Asks the process to stop. */
    public void stop() {
        stop.countDown();
    }

    /** Blocks until asked to stop. */
    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    /** Waits up to {@code millis} for the stop; true if asked to stop. */
    public boolean awaitStop(long millis) throws InterruptedException {
        return stop.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The process has cleaned up (lets the shutdown hook return). */
    public void finished() {
        stopped.countDown();
    }

    /** A JSON string literal (keys and values here are hex, names and enum words). */
    public static String q(Object s) {
        return "\"" + String.valueOf(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
