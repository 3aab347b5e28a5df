package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AEAD only: our endpoints never offer or accept a NULL or MAC-then-encrypt suite. The other side
 * of each handshake is a real Bouncy Castle DTLS peer on its own UDP socket, configured to misbehave.
 */
class LinkCipherSuiteTest {

    private static final int[] NULL_AND_CBC = {CipherSuite.TLS_ECDHE_ECDSA_WITH_NULL_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA};

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void suiteClassification() {
        assertTrue(DtlsSuites.isAead(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        assertTrue(DtlsSuites.isAead(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256));
        for (int suite : NULL_AND_CBC) {
            assertFalse(DtlsSuites.isAead(suite), Integer.toHexString(suite));
        }
        for (int suite : DtlsSuites.suites()) {
            assertTrue(DtlsSuites.isAead(suite));
        }
    }

    /** Makes a stock-BC client (a subclass of ours) that the server must refuse. */
    private interface ClientFactory {
        HerdDtlsClient make(JcaTlsCrypto crypto, DtlsIdentity identity, IdentityPublicKey server, LinkConfig config);
    }

    /** Dials a Herd server with {@code factory}'s client: the server aborts with an alert, reports NEGOTIATION_FAILED. */
    private void assertServerRefuses(ClientFactory factory) throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).handshakeResendMillis(100).handshakeTimeoutMillis(3_000).build();
        IdentityKeyPair clientIdentity = fx.newIdentity();
        LinkFixture.Node server = fx.node(config, "127.0.0.1", key -> true);
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(fx.random);
        HerdDtlsClient client = factory.make(crypto, new DtlsIdentity(crypto, clientIdentity, SystemClock.INSTANCE),
                server.key(), config);
        DatagramSocket socket = fx.track(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
        socket.connect(server.address());

        IOException e = assertThrows(IOException.class,
                () -> new DTLSClientProtocol().connect(client, new UDPTransport(socket, 1500)));
        assertTrue(e instanceof TlsFatalAlertReceived, "server aborted with an alert: " + e);
        assertEquals(LinkFailureReason.NEGOTIATION_FAILED, LinkFixture.poll(server.failures));
        assertEquals(0, server.endpoint.counters().linksUp());
    }

    @Test
    void serverRefusesClientOfferingOnlyNullAndCbcSuites() throws Exception {
        assertServerRefuses((crypto, identity, server, config) -> new HerdDtlsClient(crypto, identity, server, config,
                new HandshakeOutcome()) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return NULL_AND_CBC.clone();
            }
        });
    }

    @Test
    void serverRefusesClientWithoutExtendedMasterSecret() throws Exception {
        // The record keys come from the RFC 5705 exporter, which needs RFC 7627's extended master secret.
        assertServerRefuses((crypto, identity, server, config) -> new HerdDtlsClient(crypto, identity, server, config,
                new HandshakeOutcome()) {
            @Override
            public boolean shouldUseExtendedMasterSecret() {
                return false;
            }

            @Override
            public boolean requiresExtendedMasterSecret() {
                return false;
            }
        });
    }

    @Test
    void clientOffersOnlyAeadSuitesAndNegotiatesGcm() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).handshakeResendMillis(100).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);
        IdentityKeyPair serverIdentity = fx.newIdentity();
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(fx.random);
        AtomicReference<int[]> offered = new AtomicReference<>();
        // A server that would happily take NULL or CBC first, if only the client offered them.
        HerdDtlsServer permissive = new HerdDtlsServer(crypto, new DtlsIdentity(crypto, serverIdentity, SystemClock.INSTANCE),
                key -> true, config, new HandshakeOutcome()) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_NULL_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
            }

            @Override
            protected boolean preferLocalCipherSuites() {
                return true;
            }

            @Override
            public void notifyOfferedCipherSuites(int[] suites) throws IOException {
                offered.set(suites.clone());
                super.notifyOfferedCipherSuites(suites);
            }
        };
        DatagramSocket socket = fx.track(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
        CompletableFuture<DTLSTransport> serverSide = acceptOnce(socket, permissive);

        Link link = LinkFixture.await(client.endpoint.connect((InetSocketAddress) socket.getLocalSocketAddress(),
                serverIdentity.publicKey()));
        DTLSTransport bcServer = serverSide.get(LinkFixture.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(offered.get());
        for (int suite : offered.get()) {
            // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3) is a signal, not a suite.
            assertTrue(suite == CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV || DtlsSuites.isAead(suite),
                    "client offered 0x" + Integer.toHexString(suite));
        }
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, link.cipherSuite());
        bcServer.close();
    }

    /** Runs a stock BC DTLS server on {@code socket} for the first client that writes to it. */
    private static CompletableFuture<DTLSTransport> acceptOnce(DatagramSocket socket, HerdDtlsServer server) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                // Learn the client's address from its first datagram (the client retransmits it).
                socket.setSoTimeout(5_000);
                DatagramPacket first = new DatagramPacket(new byte[2048], 2048);
                socket.receive(first);
                socket.connect(first.getSocketAddress());
                return new DTLSServerProtocol().accept(server, new UDPTransport(socket, 1500));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
