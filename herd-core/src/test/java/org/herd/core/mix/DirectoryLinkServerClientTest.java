package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory open to joining clients (§3.5) on a real link: a key that is no Mix may link and
 * ask JOIN and GET_DIRECTORY, but its LOOKUP (a rendezvous Mix's message) and any other request
 * type are dropped and counted, never answered.
 */
class DirectoryLinkServerClientTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientLinkCarriesOnlyJoinAndGetDirectory(@TempDir Path tmp) throws Exception {
        try (ZoneNet net = new ZoneNet(new String[] {"alpha"}, new int[] {1})) {
            net.startDirectories(tmp, EmbeddedDirectory.Options.defaults(net.now), true, 250);
            IdentityKeyPair client = IdentityKeyPair.generate(net.random);
            IdentityPublicKey directory = net.dirKeys[0].publicKey();
            List<byte[]> replies = new CopyOnWriteArrayList<>();
            DirectoryLinkCodec.Assembler assembler = new DirectoryLinkCodec.Assembler();
            int[] peer = {-1};
            try (NodeLinks links = NodeLinks.start(LinkConfig.defaults(), client,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, SystemClock.INSTANCE, l -> {
                        RateClass rc = l.newRateClass("directory", 2);
                        return new NodeLinks.Handler() {
                            @Override
                            public RateClass rateClass(IdentityPublicKey key) {
                                return rc;
                            }

                            @Override
                            public void linkUp(int p, IdentityPublicKey key) {
                                peer[0] = p;
                            }

                            @Override
                            public void linkDown(int p, IdentityPublicKey key, LinkFailureReason reason) {
                            }

                            @Override
                            public void onCell(int p, byte[] buffer, int offset) {
                                byte[] m = assembler.accept(buffer, offset);
                                if (m != null) {
                                    replies.add(m);
                                }
                            }
                        };
                    })) {
                links.keep(net.directories.get(0).address(), directory);
                ZoneNet.await("the client's link to the directory", 20_000, () -> links.call(() -> peer[0] >= 0));
                byte[] lookup = DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 1,
                        new ControlMessages.Lookup(5, "alpha", client.publicKey().encoded()).encode());
                byte[] directLookup = DirectoryLinkCodec.message(DirectoryLinkCodec.REQUEST, 2,
                        DirectoryMessages.encodeRequest(2, new DirectoryRequest.LookupByKey("alpha", client.publicKey())));
                byte[] get = DirectoryLinkCodec.message(DirectoryLinkCodec.REQUEST, 3,
                        DirectoryMessages.encodeRequest(3, new DirectoryRequest.GetDirectory()));
                links.execute(() -> {
                    int id = 0;
                    for (byte[] m : List.of(lookup, directLookup, get)) {
                        for (byte[] cell : DirectoryLinkCodec.cells(id++, m)) {
                            links.send(peer[0], cell, 0);
                        }
                    }
                });
                ZoneNet.await("the GET_DIRECTORY response", 20_000, () -> !replies.isEmpty());
                Thread.sleep(500); // anything else would have come by now, on the same link, in order
                assertEquals(1, replies.size(), "only GET_DIRECTORY is answered");
                DirectoryLinkCodec.Message r = DirectoryLinkCodec.parse(replies.get(0));
                assertEquals(DirectoryLinkCodec.RESPONSE, r.type());
                assertEquals(3, r.requestId());
                assertTrue(DirectoryMessages.decodeResponse(r.body()).isOk());
                DirectoryLinkServer server = net.directoryNodes.get(0).server();
                assertEquals(2, (long) server.links().call(server::refusedFromClients), "LOOKUP and a direct LOOKUP request dropped");
            }
        }
    }
}
