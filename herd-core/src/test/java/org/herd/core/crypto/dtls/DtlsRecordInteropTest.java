package org.herd.core.crypto.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Known-answer test of the record format against an independent implementation: Bouncy Castle's
 * DTLS 1.2 record layer with AES-128-GCM. After a real (in-memory, PSK) DTLS 1.2 handshake, the
 * TLS key block (RFC 5246 §6.3: PRF(master_secret, "key expansion", server_random + client_random);
 * for an AEAD suite client_write_key 16 | server_write_key 16 | client_write_IV 4 | server_write_IV 4)
 * is exactly {@link DtlsRecordCipher}'s key material. With it, Bouncy Castle must open the records
 * we seal, and we must open Bouncy Castle's — which holds only if header, explicit nonce, AAD
 * (RFC 5246 §6.2.3.3 with the DTLS 64-bit sequence number, RFC 6347 §4.1.2.1) and tag agree with
 * RFC 5288 byte for byte.
 */
class DtlsRecordInteropTest {

    private static final int[] SUITES = {CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
    private static final byte[] PSK = new byte[32];

    /** One end of an in-memory datagram pipe. */
    private static final class Pipe implements DatagramTransport {
        final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        Pipe peer;

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1500;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d;
            try {
                d = inbox.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (d == null) {
                return -1;
            }
            System.arraycopy(d, 0, buf, off, d.length);
            return d.length;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            peer.inbox.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void bouncyCastleOpensOurRecordsAndWeOpenItsRecords() throws Exception {
        long seed = System.nanoTime();
        System.out.println("DtlsRecordInteropTest seed=" + seed);
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
        Pipe clientSide = new Pipe();
        Pipe serverSide = new Pipe();
        clientSide.peer = serverSide;
        serverSide.peer = clientSide;
        byte[][] keyBlock = new byte[1][];
        TlsPSKIdentityManager manager = new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return PSK.clone();
            }
        };
        PSKTlsServer tlsServer = new PSKTlsServer(crypto, manager) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return SUITES.clone();
            }
        };
        PSKTlsClient tlsClient = new PSKTlsClient(crypto, new BasicTlsPSKIdentity("herd".getBytes(), PSK.clone())) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return SUITES.clone();
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                SecurityParameters sp = context.getSecurityParametersConnection();
                // RFC 5246 §6.3: seed = server_random + client_random.
                byte[] seed = Arrays.concatenate(sp.getServerRandom(), sp.getClientRandom());
                keyBlock[0] = sp.getMasterSecret().deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed,
                        DtlsRecordCipher.KEY_MATERIAL_SIZE).extract();
            }
        };
        CompletableFuture<DTLSTransport> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return new DTLSServerProtocol().accept(tlsServer, serverSide);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DTLSTransport bcClient = new DTLSClientProtocol().connect(tlsClient, clientSide);
        DTLSTransport bcServer = accepted.get(30, TimeUnit.SECONDS);
        assertNotNull(keyBlock[0]);
        serverSide.inbox.clear();
        clientSide.inbox.clear();

        DtlsRecordCipher ourClient = DtlsRecordCipher.forClient(keyBlock[0], 1);
        DtlsRecordCipher ourServer = DtlsRecordCipher.forServer(keyBlock[0], 1);
        byte[] received = new byte[1500];
        for (int i = 0; i < 3; i++) {
            // Ours → Bouncy Castle: sequence numbers 1.. (BC's Finished took 0 of epoch 1).
            byte[] cell = new byte[256];
            random.nextBytes(cell);
            byte[] record = new byte[cell.length + DtlsRecordCipher.OVERHEAD];
            int n = ourClient.seal(1 + i, cell, 0, cell.length, record, 0);
            serverSide.inbox.add(java.util.Arrays.copyOf(record, n));
            assertEquals(256, bcServer.receive(received, 0, received.length, 1000), "BC opened our record " + i);
            assertArrayEquals(cell, java.util.Arrays.copyOf(received, 256));

            // Bouncy Castle → ours.
            random.nextBytes(cell);
            bcClient.send(cell, 0, cell.length);
            byte[] bcRecord = serverSide.inbox.poll(5, TimeUnit.SECONDS);
            assertNotNull(bcRecord);
            assertEquals(293, bcRecord.length, "BC's cell record has the same size as ours");
            byte[] opened = new byte[256];
            assertEquals(256, ourServer.open(bcRecord, 0, bcRecord.length, opened, 0), "we opened BC's record " + i);
            assertArrayEquals(cell, opened);
        }
        bcClient.close();
        bcServer.close();
    }
}
