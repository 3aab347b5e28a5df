package org.herd.gateway.network;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.mix.DirectoryLinkCodec;
import org.herd.core.mix.DirectoryLinkServer;
import org.herd.core.mix.ZoneDirectoryNode;
import org.herd.core.mix.EmbeddedDirectory;
import org.herd.core.time.SystemClock;
import org.herd.gateway.devnet.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herd zone-directory --config FILE}: the rendezvous side of a zone directory as a link
 * peer of the Mixes (§3.3 of the Herd paper): accepts DTLS links from every Mix of the layout and
 * answers REGISTER/LOOKUP cells ({@link DirectoryLinkCodec}) from the zone's
 * {@code DirectoryService} over SQLite ({@link EmbeddedDirectory}, {@link DirectoryLinkServer}).
 * Config keys: {@code network}, {@code zone}, {@code key} (the directory's identity.key),
 * {@code store} (the SQLite file). Prints JSON
 * lines: listening, link_up, link_down, register, lookup, report (each accepted UTILISATION_REPORT:
 * mix, scope, epoch, peak, mean, capacity, clients, calls), proposal_answered, stopped.
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
        Path database;
        try {
            Properties p = NetworkLayout.load(options.config);
            layout = NetworkLayout.ofConfig(p, SystemClock.INSTANCE);
            zone = layout.zone(NetworkLayout.require(p, "zone"));
            key = KeyFiles.readIdentity(Path.of(NetworkLayout.require(p, "key")));
            database = Path.of(NetworkLayout.require(p, "store"));
            if (!key.publicKey().equals(zone.certificate().directoryKey())) {
                throw new IllegalArgumentException("the key is not the one certified for zone " + zone.name());
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("herd zone-directory: " + options.config + ": " + e.getMessage());
            return 2;
        }
        EmbeddedDirectory directory;
        try {
            Set<String> peerZones = new java.util.TreeSet<>(layout.zones().keySet());
            peerZones.remove(zone.name());
            directory = EmbeddedDirectory.open(key, zone.certificate(), layout.root(), zone.mixes(), database,
                    SystemClock.INSTANCE, new java.security.SecureRandom(),
                    new EmbeddedDirectory.Options(layout.schedule(), layout.policy(), peerZones,
                            layout.policy(layout.rates().interZone())));
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("herd zone-directory: " + database + ": " + e.getMessage());
            return 1;
        }
        ZoneDirectoryNode.Events events = new ZoneDirectoryNode.Events() {
            @Override
            public void proposalAnswered(int status, String reason) {
                proc.emit("{\"event\":\"proposal_answered\",\"status\":" + status + ",\"reason\":" + NodeProcess.q(reason) + "}");
            }

            @Override
            public void registered(IdentityPublicKey rendezvous, int status) {
                proc.emit("{\"event\":\"register\",\"rendezvous\":" + NodeProcess.q(rendezvous.toHex()) + ",\"status\":" + status + "}");
            }

            @Override
            public void reported(org.herd.core.directory.UtilisationReport r) {
                proc.emit(String.format(java.util.Locale.ROOT, "{\"event\":\"report\",\"mix\":%s,\"scope\":%s,\"epoch\":%d,"
                        + "\"peak\":%d,\"mean\":%.3f,\"capacity\":%d,\"clients\":%d,\"calls\":%d}",
                        NodeProcess.q(r.mix().toHex()), NodeProcess.q(r.scope().toString()), r.epoch(), r.peakCellsPerTick(),
                        r.meanCellsPerTick(), r.capacityCellsPerTick(), r.clients(), r.calls()));
            }

            @Override
            public void lookedUp(int status) {
                proc.emit("{\"event\":\"lookup\",\"status\":" + status + "}");
            }

            @Override
            public void linkUp(IdentityPublicKey mix) {
                proc.emit("{\"event\":\"link_up\",\"peer\":" + NodeProcess.q(mix.toHex()) + "}");
            }

            @Override
            public void linkDown(IdentityPublicKey mix, LinkFailureReason reason) {
                proc.emit("{\"event\":\"link_down\",\"peer\":" + NodeProcess.q(mix.toHex()) + ",\"reason\":" + NodeProcess.q(reason) + "}");
            }
        };
        Set<IdentityPublicKey> mixes = new HashSet<>();
        for (MixRef m : layout.allMixes()) {
            mixes.add(m.identity());
        }
        Set<IdentityPublicKey> zoneMixes = new HashSet<>();
        zone.mixes().forEach(d -> zoneMixes.add(d.mixKey()));
        // Epoch steps and document pushes several times per epoch, at most every second.
        long poll = Math.max(20, Math.min(1000, layout.schedule().lengthMillis() / 8));
        proc.watch(options.exitOnStdinEof, null);
        try (ZoneDirectoryNode node = ZoneDirectoryNode.start(directory, new ZoneDirectoryNode.Settings(key, zone.directory(),
                zoneMixes, mixes, true, layout.rates().directory(), poll, LinkConfig.defaults()), SystemClock.INSTANCE, events)) {
            DirectoryLinkServer server = node.server();
            proc.emit("{\"event\":\"listening\",\"role\":\"zone-directory\",\"zone\":" + NodeProcess.q(zone.name())
                    + ",\"address\":" + NodeProcess.q(HostPort.format(server.links().localAddress())) + ",\"identity\":"
                    + NodeProcess.q(key.publicKey().toHex()) + "}");
            proc.awaitStop();
            proc.emit("{\"event\":\"stopped\",\"served\":" + server.served() + ",\"malformed\":" + server.malformed() + "}");
        } finally {
            directory.close();
            proc.finished();
        }
        return 0;
    }
}
