package org.herd.gateway.network;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.herd.core.call.RendezvousRegistry;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.mix.DirectoryLinkCodec;
import org.herd.core.mix.DirectoryLinkService;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.ControlMessages;
import org.herd.gateway.devnet.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herd zone-directory --config FILE}: the rendezvous side of a zone directory as a link
 * peer of the Mixes (§3.3 of the Herd paper): accepts DTLS links from every Mix of the layout,
 * answers REGISTER/LOOKUP cells ({@link DirectoryLinkCodec}) from an in-memory
 * {@link RendezvousRegistry}. It is the devnet's directory until the {@code DirectoryService}
 * (SQLite, JOIN, enrolment, rates) is bound to the same links. Config keys: {@code network},
 * {@code zone}, {@code key} (the directory's identity.key). Prints JSON lines.
 */
@Command(name = "zone-directory", mixinStandardHelpOptions = true,
        description = "Run a zone directory's rendezvous registry as a link peer of the Mixes; prints JSON lines.")
public final class ZoneDirectoryCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    NodeOptions options;

    @Override
    public Integer call() throws Exception {
        NodeProcess proc = new NodeProcess(spec.commandLine().getOut());
        NetworkLayout layout;
        NetworkLayout.Zone zone;
        IdentityKeyPair key;
        try {
            Properties p = NetworkLayout.load(options.config);
            layout = NetworkLayout.read(Path.of(NetworkLayout.require(p, "network")), SystemClock.INSTANCE);
            zone = layout.zone(NetworkLayout.require(p, "zone"));
            key = KeyFiles.readIdentity(Path.of(NetworkLayout.require(p, "key")));
            if (!key.publicKey().equals(zone.certificate().directoryKey())) {
                throw new IllegalArgumentException("the key is not the one certified for zone " + zone.name());
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("herd zone-directory: " + options.config + ": " + e.getMessage());
            return 2;
        }
        RendezvousRegistry registry = new RendezvousRegistry(zone.certificate(), SystemClock.INSTANCE);
        DirectoryLinkService service = new DirectoryLinkService(new DirectoryLinkService.Handler() {
            @Override
            public ControlMessages.Registered register(IdentityPublicKey rendezvous, ControlMessages.Register request) {
                ControlMessages.Registered r = registry.register(rendezvous, request);
                proc.emit("{\"event\":\"register\",\"rendezvous\":" + NodeProcess.q(rendezvous.toHex()) + ",\"status\":" + r.status() + "}");
                return r;
            }

            @Override
            public ControlMessages.Answer lookup(ControlMessages.Lookup request) {
                ControlMessages.Answer a = registry.lookup(request);
                proc.emit("{\"event\":\"lookup\",\"status\":" + a.status() + "}");
                return a;
            }
        });
        Set<IdentityPublicKey> mixes = new HashSet<>();
        for (MixRef m : layout.allMixes()) {
            mixes.add(m.identity());
        }
        proc.watch(options.exitOnStdinEof, null);
        int[] messageIds = {0};
        try (NodeLinks links = NodeLinks.start(LinkConfig.defaults(), key, zone.directory(), mixes::contains,
                SystemClock.INSTANCE, l -> {
                    RateClass rc = l.newRateClass("directory", layout.rates().directory());
                    java.util.Map<Integer, DirectoryLinkCodec.Assembler> assemblers = new java.util.HashMap<>();
                    return new NodeLinks.Handler() {
                        @Override
                        public RateClass rateClass(IdentityPublicKey peer) {
                            return rc;
                        }

                        @Override
                        public void linkUp(int peer, IdentityPublicKey identity) {
                            assemblers.put(peer, new DirectoryLinkCodec.Assembler());
                            proc.emit("{\"event\":\"link_up\",\"peer\":" + NodeProcess.q(identity.toHex()) + "}");
                        }

                        @Override
                        public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                            assemblers.remove(peer);
                            proc.emit("{\"event\":\"link_down\",\"peer\":" + NodeProcess.q(identity.toHex()) + ",\"reason\":"
                                    + NodeProcess.q(reason) + "}");
                        }

                        @Override
                        public void onCell(int peer, byte[] buffer, int offset) {
                            byte[] m = assemblers.get(peer).accept(buffer, offset);
                            byte[] reply = m == null ? null : service.serve(m);
                            if (reply != null) {
                                for (byte[] cell : DirectoryLinkCodec.cells(messageIds[0]++, reply)) {
                                    l.send(peer, cell, 0);
                                }
                            }
                        }
                    };
                })) {
            proc.emit("{\"event\":\"listening\",\"role\":\"zone-directory\",\"zone\":" + NodeProcess.q(zone.name())
                    + ",\"address\":" + NodeProcess.q(HostPort.format(links.localAddress())) + ",\"identity\":"
                    + NodeProcess.q(key.publicKey().toHex()) + "}");
            proc.awaitStop();
            proc.emit("{\"event\":\"stopped\",\"served\":" + service.served() + ",\"malformed\":" + service.malformed() + "}");
        } finally {
            proc.finished();
        }
        return 0;
    }
}
