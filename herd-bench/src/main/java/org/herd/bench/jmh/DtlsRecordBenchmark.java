package org.herd.bench.jmh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
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
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.herd.core.wire.Cell;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bouncy Castle's DTLS record layer alone, reported apart from Herd's own per-cell code (DESIGN.md §9):
 * protecting one 256-byte cell into a record and unprotecting it again, with Bouncy Castle 1.84
 * DTLS 1.2, AES-128-GCM records and JCA crypto, as Herd's links did before they got their own
 * application-data record layer; kept as the baseline of {@link LinkRecordBenchmark}, which
 * measures the same record format through {@code DtlsRecordCipher}. The two ends talk through
 * an in-memory datagram pipe, so no socket cost is included; the handshake (PSK here, since the
 * record protection does not depend on how the keys were agreed) runs once in set-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DtlsRecordBenchmark {

    private static final int[] SUITES = {CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
    private static final byte[] PSK_IDENTITY = "herd-bench".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PSK = new byte[32];

    private final byte[] cell = new byte[Cell.SIZE];
    private final byte[] received = new byte[Cell.SIZE + 64];
    private Pipe clientSide;
    private Pipe serverSide;
    private DTLSTransport client;
    private DTLSTransport server;

    /** One direction of an in-memory datagram pipe; non-blocking once the handshake is done. */
    static final class Pipe implements DatagramTransport {
        private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        Pipe peer;
        volatile boolean handshaking = true;
        private final InterruptedIOException empty = new InterruptedIOException("no datagram");

        @Override
        public int getReceiveLimit() {
            return 512;
        }

        @Override
        public int getSendLimit() {
            return 512;
        }

        private int steadyLength = -1;

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (!handshaking && steadyLength >= 0) {
                int n = steadyLength;
                steadyLength = -1;
                System.arraycopy(steady, 0, buf, off, n);
                return n;
            }
            byte[] d;
            synchronized (inbox) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
                while ((d = inbox.poll()) == null) {
                    if (!handshaking) {
                        throw empty;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return -1;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(inbox, left);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                }
            }
            System.arraycopy(d, 0, buf, off, d.length);
            return d.length;
        }

        /** After the handshake one record is in flight at a time: reuse one buffer, allocate nothing. */
        private final byte[] steady = new byte[512];

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] d = handshaking ? java.util.Arrays.copyOfRange(buf, off, off + len) : null;
            if (d == null) {
                System.arraycopy(buf, off, peer.steady, 0, len);
                peer.steadyLength = len;
                return;
            }
            synchronized (peer.inbox) {
                peer.inbox.add(d);
                peer.inbox.notifyAll();
            }
        }

        @Override
        public void close() {
        }
    }

    /** Handshakes a client and a server over the pipe. */
    @Setup
    public void setUp() throws Exception {
        clientSide = new Pipe();
        serverSide = new Pipe();
        clientSide.peer = serverSide;
        serverSide.peer = clientSide;
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
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
        PSKTlsClient tlsClient = new PSKTlsClient(crypto, new BasicTlsPSKIdentity(PSK_IDENTITY, PSK.clone())) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return SUITES.clone();
            }
        };
        CompletableFuture<DTLSTransport> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return new DTLSServerProtocol().accept(tlsServer, serverSide);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client = new DTLSClientProtocol().connect(tlsClient, clientSide);
        server = accepted.get(30, TimeUnit.SECONDS);
        clientSide.handshaking = false;
        serverSide.handshaking = false;
        new SecureRandom().nextBytes(cell);
    }

    /** Closes both ends. */
    @TearDown
    public void tearDown() throws IOException {
        client.close();
        server.close();
    }

    /** Protect one cell into a record (the record is queued for the server, which drains it). */
    @Benchmark
    public int protectRecord() throws IOException {
        client.send(cell, 0, Cell.SIZE);
        return server.receive(received, 0, received.length, 1);
    }
}
