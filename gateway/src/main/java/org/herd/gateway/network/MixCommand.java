package org.herd.gateway.network;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.mix.MixNode;
import org.herd.core.time.SystemClock;
import org.herd.gateway.config.MixConfig;
import org.herd.gateway.devnet.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herd mix --config FILE}: runs one Mix ({@link MixNode}). FILE is either the role's
 * configuration ({@code herd.mix.*} keys, {@link MixConfig}, shipped as {@code etc/herd-mix.properties}:
 * bootstrap facts only, the Mixes learned from the directories' documents), or a static layout form. Its keys:
 * {@code network} (layout file, {@link NetworkLayout}), {@code keys} (state directory with
 * identity.key and onion.key), {@code dial.HEXKEY = host:port} (optional: dial that Mix through
 * another address, e.g. an impairment relay), {@code socket-buffer-bytes} (optional: SO_RCVBUF and
 * SO_SNDBUF of the Mix's socket; default the system's — a Mix with hundreds of client links wants
 * megabytes, or a stall of its loop of a few ms overflows the kernel's queue and drops cells). The Mix listens on its descriptor's address.
 * Prints JSON lines: listening, link_up, link_down, ready, stats (every 10 s), stopped.
 *
 * <p>Commands on standard input (for {@code herd bench mix}): {@code status} prints one line
 * {@code {"event":"status",...}} with the process's clock ({@code nanos}), CPU time
 * ({@code cpu_nanos}), heap in use, and the Mix's counters (datagrams in/out, slots fired, late
 * and skipped slots, drops; links and late slots per link class); with {@code status gc} the heap
 * figure is the live heap (the bytes of the JVM's class histogram, a full collection first).
 */
@Command(name = "mix", mixinStandardHelpOptions = true, description = "Run a Herd Mix; prints JSON lines.")
public final class MixCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    NodeOptions options;

    @Override
    public Integer call() throws Exception {
        NodeProcess proc = new NodeProcess(spec.commandLine().getOut());
        MixNode.Settings settings;
        try {
            settings = Bootstrap.isRoleConfig(options.config, "herd.mix.") ? fromRoleConfig() : fromLayout();
        } catch (org.herd.gateway.config.ConfigException e) {
            spec.commandLine().getErr().println("herd mix: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("herd mix: " + options.config + ": " + e.getMessage());
            return 2;
        }
        return run(proc, settings);
    }

    /**
     * The Commons Configuration form ({@code etc/herd-mix.properties}, {@link MixConfig}): the Mix
     * starts from the root key and every zone's certificate and directory address, and learns the
     * other Mixes from the directories' documents.
     */
    private MixNode.Settings fromRoleConfig() throws java.io.IOException {
        MixConfig c = MixConfig.load(options.config);
        NodeKeys keys = NodeKeys.readFrom(c.stateDirectory());
        IdentityPublicKey root = KeyFiles.readIdentityPublic(c.rootKey());
        List<MixNode.Directory> directories = Bootstrap.directories(c.directories(), c.zoneCertificates(), root,
                SystemClock.INSTANCE);
        java.util.Map<IdentityPublicKey, InetSocketAddress> dial = new java.util.HashMap<>();
        c.dialVia().forEach((hex, at) -> dial.put(NetworkLayout.key(hex), at));
        return new MixNode.Settings(c.zone(), keys, c.listen(), List.of(), directories, java.util.Set.of(),
                new MixNode.Rates(c.clientRate(), c.mixRate(), c.mixRate(), c.directoryRate()), LinkConfig.defaults(),
                Mix.Config.defaults(), root, c.reportIntervalMillis(), dial);
    }

    /** The static layout form written by older devnets and tests ({@code network = FILE}). */
    private MixNode.Settings fromLayout() throws java.io.IOException {
        MixNode.Settings settings;
        {
            Properties p = NetworkLayout.load(options.config);
            NetworkLayout layout = NetworkLayout.ofConfig(p, SystemClock.INSTANCE);
            NodeKeys keys = NodeKeys.readFrom(Path.of(NetworkLayout.require(p, "keys")));
            MixDescriptor self = layout.descriptor(keys.identity().publicKey());
            if (self == null) {
                throw new IllegalArgumentException("this Mix's key " + keys.identity().publicKey().toHex()
                        + " has no descriptor in the layout");
            }
            List<MixNode.Peer> peers = new ArrayList<>();
            for (MixRef m : layout.allMixes()) {
                if (!m.identity().equals(self.mixKey())) {
                    String dial = p.getProperty("dial." + m.identity().toHex());
                    InetSocketAddress at = dial != null ? HostPort.parse(dial.trim()) : layout.descriptor(m.identity()).address();
                    peers.add(new MixNode.Peer(m, at));
                }
            }
            // Rates follow the zone directory's signed documents (verified against the root);
            // utilisation is reported to it during every epoch.
            settings = new MixNode.Settings(self.zone(), keys, self.address(), peers, layout.directories(),
                    layout.clients(), layout.rates(), LinkConfig.builder()
                            .socketBufferBytes(NetworkLayout.integer(p, "socket-buffer-bytes", 0))
                            .polledReads(NetworkLayout.bool(p, "polled-reads", LinkConfig.defaults().polledReads()))
                            .build(),
                    Mix.Config.defaults(), layout.root(),
                    layout.reportIntervalMillis());
        }
        return settings;
    }

    private Integer run(NodeProcess proc, MixNode.Settings settings) throws Exception {
        java.util.concurrent.atomic.AtomicReference<MixNode> running = new java.util.concurrent.atomic.AtomicReference<>();
        proc.watch(options.exitOnStdinEof, line -> {
            MixNode n = running.get();
            switch (line) {
                case "status", "status gc" -> {
                    if (n != null) {
                        proc.emit(status(n, line.endsWith("gc")));
                    }
                }
                default -> proc.emit("{\"event\":\"error\",\"reason\":" + NodeProcess.q("unknown command " + line) + "}");
            }
        });
        MixNode.Events events = new MixNode.Events() {
            @Override
            public void linkUp(String kind, IdentityPublicKey peer) {
                proc.emit("{\"event\":\"link_up\",\"kind\":" + NodeProcess.q(kind) + ",\"peer\":" + NodeProcess.q(peer.toHex()) + "}");
            }

            @Override
            public void linkDown(String kind, IdentityPublicKey peer, LinkFailureReason reason) {
                proc.emit("{\"event\":\"link_down\",\"kind\":" + NodeProcess.q(kind) + ",\"peer\":" + NodeProcess.q(peer.toHex())
                        + ",\"reason\":" + NodeProcess.q(reason) + "}");
            }

            @Override
            public void ready() {
                proc.emit("{\"event\":\"ready\"}");
            }

            @Override
            public void rateScheduled(String rateClass, int rate, long tick) {
                proc.emit("{\"event\":\"rate_scheduled\",\"class\":" + NodeProcess.q(rateClass) + ",\"rate\":" + rate
                        + ",\"tick\":" + tick + ",\"at_ms\":" + tick * 20 + "}");
            }

            @Override
            public void reportRefused(int status, String reason) {
                proc.emit("{\"event\":\"report_refused\",\"status\":" + status + ",\"reason\":" + NodeProcess.q(reason) + "}");
            }
        };
        try (MixNode node = MixNode.start(settings, SystemClock.INSTANCE, new SecureRandom(), events)) {
            running.set(node);
            proc.emit("{\"event\":\"listening\",\"role\":\"mix\",\"zone\":" + NodeProcess.q(settings.zone()) + ",\"address\":"
                    + NodeProcess.q(HostPort.format(node.localAddress())) + ",\"identity\":"
                    + NodeProcess.q(settings.keys().identity().publicKey().toHex()) + "}");
            while (!proc.awaitStop(10_000)) {
                proc.emit(stats(node));
            }
            proc.emit(stats(node).replace("\"stats\"", "\"stopped\""));
        } finally {
            proc.finished();
        }
        return 0;
    }

    /**
     * The live heap: the bytes of every live object in the JVM's class histogram, which runs a
     * full collection first (the same as {@code jcmd <pid> GC.class_histogram}). Unlike the heap in
     * use after {@link System#gc()}, it does not count softly reachable objects that collection
     * kept, which moved the figure by 1–2 MB between readings of the same Mix.
     */
    private static long liveHeapBytes() {
        try {
            Object histogram = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String text = String.valueOf(histogram).strip();
            String[] total = text.substring(text.lastIndexOf('\n') + 1).trim().split("\\s+");
            if (total.length == 3 && total[0].equals("Total")) {
                return Long.parseLong(total[2]);
            }
        } catch (javax.management.JMException | RuntimeException e) {
            // fall through: the heap in use after a collection
        }
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The {@code status} line: this process's own clock, CPU time and heap, and the Mix's
     * link counters (datagrams in/out of its socket; after the handshakes every datagram is one
     * cell), slots, late and skipped slots and send drops, of all links and per link class (links
     * up now), read in one task on the Mix's loop. With {@code gc},
     * {@code heap_used_bytes} is the live heap ({@link #liveHeapBytes()}: a full collection, then
     * the bytes of the live objects).
     */
    static String status(MixNode node, boolean gc) {
        long heap = gc ? liveHeapBytes() : java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        var links = node.links();
        var counters = links.endpoint().counters();
        var scheduler = links.paced().scheduler();
        MixNode.Snapshot mix = node.snapshot();
        // One task on the Mix's loop, so that every counter of the line is read at the same instant.
        return links.call(() -> {
            java.util.Map<String, long[]> byClass = new java.util.TreeMap<>();
            for (var p : links.paced().attached()) {
                long[] v = byClass.computeIfAbsent(p.sender().rateClass().name(), k -> new long[2]);
                v[0]++;
                v[1] += p.sender().lateSlots();
            }
            StringBuilder classes = new StringBuilder();
            byClass.forEach((name, v) -> classes.append(classes.length() == 0 ? "" : ",").append(NodeProcess.q(name))
                    .append(":{\"links\":").append(v[0]).append(",\"late_slots\":").append(v[1]).append('}'));
            return "{\"event\":\"status\",\"nanos\":" + System.nanoTime() + ",\"cpu_nanos\":" + cpu + ",\"heap_used_bytes\":"
                    + heap + ",\"gc\":" + gc + ",\"links\":" + links.linksUp() + ",\"datagrams_in\":" + counters.datagramsIn()
                    + ",\"datagrams_out\":" + counters.datagramsOut() + ",\"slots_fired\":" + scheduler.slotsFired()
                    + ",\"late_slots\":" + scheduler.lateSlots() + ",\"skipped_slots\":" + scheduler.skippedSlots()
                    + ",\"send_drops\":" + links.sendDrops() + ",\"circuits\":" + mix.circuits() + ",\"registrations\":"
                    + mix.registrations() + ",\"forward_drops\":" + mix.forwardDrops() + ",\"backward_drops\":"
                    + mix.backwardDrops() + ",\"classes\":{" + classes + "}}";
        });
    }

    private static String stats(MixNode node) {
        MixNode.Snapshot s = node.snapshot();
        MixNode.DirectoryCounters d = node.directoryCounters();
        return "{\"event\":\"stats\",\"links\":" + s.linksUp() + ",\"circuits\":" + s.circuits() + ",\"registrations\":"
                + s.registrations() + ",\"forward_drops\":" + s.forwardDrops() + ",\"backward_drops\":" + s.backwardDrops()
                + ",\"send_drops\":" + s.sendDrops() + ",\"late_slots\":" + s.lateSlots() + ",\"directory_replies\":"
                + s.directoryReplies() + ",\"directory_unreachable\":" + s.directoryUnreachable() + ",\"documents\":"
                + d.documents() + ",\"rate_changes\":" + d.rateChanges() + ",\"reports_accepted\":" + d.reportsAccepted()
                + ",\"reports_refused\":" + d.reportsRefused() + ",\"refused_at_capacity\":" + d.refusedAtCapacity()
                + ",\"certified_clients\":" + d.certifiedClients() + "}";
    }
}
