package org.herd.gateway.devnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd devnet}: the embedded default. For now it runs the link layer of a Herd network
 * on this machine: two {@code herd link-node} processes holding a mutually authenticated DTLS
 * link at a constant rate, through an {@link ImpairmentRelay} that can add a one-way delay and
 * loss (the kernel here has no netem) and that counts what a wire observer would see. It prints
 * what runs where, then one line per second, and stops everything cleanly on Ctrl-C.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
        description = "Run a Herd link demo on this machine (separate processes on loopback); Ctrl-C stops it.")
public final class DevnetCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rate", description = "Cells per 20 ms tick (default ${DEFAULT-VALUE}).")
    int rate = 1;

    @Option(names = "--payload-percent", description = "Share of slots carrying payload (default ${DEFAULT-VALUE}).")
    int payloadPercent = 50;

    @Option(names = "--zone-delay-ms", description = "One-way delay on the link, in ms (default ${DEFAULT-VALUE}).")
    int delayMillis;

    @Option(names = "--loss-percent", description = "Loss on the link, each direction (default ${DEFAULT-VALUE}).")
    double lossPercent;

    @Option(names = "--seconds", description = "Stop after this many seconds; 0 runs until Ctrl-C (default ${DEFAULT-VALUE}).")
    int seconds;

    private final List<Process> children = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (delayMillis < 0 || lossPercent < 0 || lossPercent >= 100 || seconds < 0) {
            err.println("herd devnet: --zone-delay-ms >= 0, --loss-percent in [0, 100), --seconds >= 0");
            return 2;
        }
        Thread hook = new Thread(this::stopAll, "devnet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String run = seconds > 0 ? String.valueOf(seconds + 5) : "0";
            Node server = start("node-a", out, "link-node", "--listen", "127.0.0.1:0", "--rate", String.valueOf(rate),
                    "--payload-percent", String.valueOf(payloadPercent), "--seconds", run);
            String listening = server.await("\"listening\"", 60);
            InetSocketAddress serverAddress = HostPort.parse(json(listening, "address"));
            try (ImpairmentRelay relay = ImpairmentRelay.start(new InetSocketAddress("127.0.0.1", 0), serverAddress,
                    delayMillis, TimeUnit.MILLISECONDS, lossPercent / 100, System.nanoTime())) {
                relay.recording(false);
                Node client = start("node-b", out, "link-node", "--connect", HostPort.format(relay.address()),
                        "--peer-key", json(listening, "identity"), "--rate", String.valueOf(rate),
                        "--payload-percent", String.valueOf(payloadPercent), "--seconds", run);
                out.println("herd devnet: link demo (the full multi-zone network comes with the network roles)");
                out.println("  node-a  pid " + server.process.pid() + "  DTLS at " + HostPort.format(serverAddress)
                        + "  identity " + json(listening, "identity"));
                out.println("  relay   " + HostPort.format(relay.address()) + " -> " + HostPort.format(serverAddress)
                        + "  one-way delay " + delayMillis + " ms, loss " + lossPercent + " %");
                out.println("  node-b  pid " + client.process.pid() + "  dials node-a through the relay");
                out.println("  every link: " + rate + " cell(s) per 20 ms tick each way, " + payloadPercent
                        + " % of slots payload, the rest Chaff; Ctrl-C stops");
                out.flush();
                client.await("\"up\"", 60);
                long deadline = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
                while (stop.getCount() > 0 && (seconds == 0 || System.nanoTime() - deadline < 0)) {
                    String line = client.lines.poll(200, TimeUnit.MILLISECONDS);
                    if (line != null && line.contains("\"stats\"")) {
                        out.println("  second " + json(line, "second") + ": node-b sent " + json(line, "datagrams_out")
                                + " datagrams, received " + json(line, "datagrams_in") + " (" + json(line, "payload_in")
                                + " payload, " + json(line, "chaff_in") + " chaff); relay passed " + relay.forwarded()
                                + ", dropped " + relay.dropped());
                        out.flush();
                    }
                    if (!client.process.isAlive() || !server.process.isAlive()) {
                        err.println("herd devnet: a node exited; stopping");
                        return 1;
                    }
                }
            }
            return 0;
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /** A child process and its stdout lines. */
    private static final class Node {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Node(Process process) {
            this.process = process;
        }

        String await(String marker, int timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() - deadline < 0) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(marker)) {
                    return line;
                }
                if (line == null && !process.isAlive()) {
                    break;
                }
            }
            throw new IllegalStateException("node did not report " + marker + " within " + timeoutSeconds + " s");
        }
    }

    private Node start(String name, PrintWriter out, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(org.herd.gateway.cli.HerdMain.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        synchronized (children) {
            children.add(p);
        }
        Node node = new Node(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    node.lines.add(line);
                }
            } catch (IOException e) {
                // child gone
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return node;
    }

    private void stopAll() {
        stop.countDown();
        synchronized (children) {
            for (Process p : children) {
                p.destroy(); // SIGTERM: the node prints its summary and closes its links
            }
            for (Process p : children) {
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            children.clear();
        }
    }

    private static String json(String line, String key) {
        String value = JsonLines.field(line, key);
        return value == null ? "?" : value;
    }
}
