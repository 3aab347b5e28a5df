package org.herd.core.link;

import java.security.SecureRandom;
import java.util.Objects;
import org.herd.core.time.Clock;
import org.herd.core.time.SystemClock;

/**
 * Settings of a {@link LinkEndpoint}, validated once when built.
 *
 * <p>Defaults: handshake timeout 10 s, first retransmission after 1 s (Bouncy Castle then
 * doubles it, RFC 6347 §4.2.4.1), 2 handshake threads, 64 concurrent handshakes, 1200-byte
 * handshake datagrams (fits IPv6's 1280 minimum MTU with headers), epoll when available,
 * a restarted peer may replace its old link after 2 s of silence.
 */
public final class LinkConfig {

    private final int handshakeTimeoutMillis;
    private final int handshakeResendMillis;
    private final int maxHandshakes;
    private final int handshakeDatagramSize;
    private final int socketBufferBytes;
    private final boolean preferEpoll;
    private final boolean polledReads;
    private final int restartSilenceMillis;
    private final Clock clock;
    private final SecureRandom random;

    private LinkConfig(Builder b) {
        this.handshakeTimeoutMillis = b.handshakeTimeoutMillis;
        this.handshakeResendMillis = b.handshakeResendMillis;
        this.maxHandshakes = b.maxHandshakes;
        this.handshakeDatagramSize = b.handshakeDatagramSize;
        this.socketBufferBytes = b.socketBufferBytes;
        this.preferEpoll = b.preferEpoll;
        this.polledReads = b.polledReads;
        this.restartSilenceMillis = b.restartSilenceMillis;
        this.clock = b.clock;
        this.random = b.random;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static LinkConfig defaults() {
        return builder().build();
    }

    /** A handshake not finished after this many milliseconds fails with {@link LinkFailureReason#HANDSHAKE_TIMEOUT}. */
    public int handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** First retransmission timer of a handshake flight, in milliseconds. */
    public int handshakeResendMillis() {
        return handshakeResendMillis;
    }

    /** Maximum handshakes in progress at once (inbound and outbound). */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /** Largest datagram a handshake flight may use, in bytes. */
    public int handshakeDatagramSize() {
        return handshakeDatagramSize;
    }

    /** SO_RCVBUF / SO_SNDBUF of the socket; 0 keeps the system default. */
    public int socketBufferBytes() {
        return socketBufferBytes;
    }

    /**
     * Whether an endpoint whose links are paced ({@link PacedLinks#attach}) reads its socket at
     * the slot driver's wake-ups (autoRead off; at least every
     * {@link org.herd.core.sched.SlotDriver.Tuning#pollIntervalNanos()}, 1 ms by default)
     * instead of waking its loop for every arriving datagram. It adds at most that interval
     * (plus timer lateness) of receive latency per hop. Default false: it cuts Mix CPU per cell
     * by 3-20 % on a machine with CPU to spare; a polled read drains the socket and a backlog
     * switches the endpoint back to per-arrival reads until it is cleared, yet on an overloaded
     * machine (load average 19-24 on 2 cores) one polled Mix still fell further behind than a
     * per-arrival one did (docs/network.md, "Mix load"); not on by default until that is settled.
     */
    public boolean polledReads() {
        return polledReads;
    }

    /** Use Netty's native epoll transport when available (else NIO). */
    public boolean preferEpoll() {
        return preferEpoll;
    }

    /**
     * A cookie-verified ClientHello from the address of an established inbound link replaces that
     * link (the peer restarted) only if no authenticated record arrived on it for this long. A live
     * peer sends at a constant rate, so a replayed old ClientHello cannot tear down a working link.
     */
    public int restartSilenceMillis() {
        return restartSilenceMillis;
    }

    /** Clock for handshake deadlines and link silence. */
    public Clock clock() {
        return clock;
    }

    /** Randomness for DTLS (nonces, ECDHE keys, cookies). */
    public SecureRandom random() {
        return random;
    }

    /** Builder of {@link LinkConfig}. */
    public static final class Builder {
        private int handshakeTimeoutMillis = 10_000;
        private int handshakeResendMillis = 1_000;
        private int maxHandshakes = 64;
        private int handshakeDatagramSize = 1200;
        private int socketBufferBytes = 0;
        private boolean preferEpoll = true;
        private boolean polledReads = false;
        private int restartSilenceMillis = 2_000;
        private Clock clock = SystemClock.INSTANCE;
        private SecureRandom random;

        private Builder() {
        }

        /** See {@link LinkConfig#handshakeTimeoutMillis()}. */
        public Builder handshakeTimeoutMillis(int v) {
            this.handshakeTimeoutMillis = v;
            return this;
        }

        /** See {@link LinkConfig#handshakeResendMillis()}. */
        public Builder handshakeResendMillis(int v) {
            this.handshakeResendMillis = v;
            return this;
        }

        /** See {@link LinkConfig#maxHandshakes()}. */
        public Builder maxHandshakes(int v) {
            this.maxHandshakes = v;
            return this;
        }

        /** See {@link LinkConfig#handshakeDatagramSize()}. */
        public Builder handshakeDatagramSize(int v) {
            this.handshakeDatagramSize = v;
            return this;
        }

        /** See {@link LinkConfig#socketBufferBytes()}. */
        public Builder socketBufferBytes(int v) {
            this.socketBufferBytes = v;
            return this;
        }

        /** See {@link LinkConfig#polledReads()}. */
        public Builder polledReads(boolean v) {
            this.polledReads = v;
            return this;
        }

        /** See {@link LinkConfig#preferEpoll()}. */
        public Builder preferEpoll(boolean v) {
            this.preferEpoll = v;
            return this;
        }

        /** See {@link LinkConfig#restartSilenceMillis()}. */
        public Builder restartSilenceMillis(int v) {
            this.restartSilenceMillis = v;
            return this;
        }

        /** See {@link LinkConfig#clock()}. */
        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v);
            return this;
        }

        /** See {@link LinkConfig#random()}; default a new {@link SecureRandom}. */
        public Builder random(SecureRandom v) {
            this.random = Objects.requireNonNull(v);
            return this;
        }

        /** Validates and builds. */
        public LinkConfig build() {
            require(handshakeTimeoutMillis >= 100, "handshakeTimeoutMillis must be >= 100");
            require(handshakeResendMillis >= 10 && handshakeResendMillis <= handshakeTimeoutMillis,
                    "handshakeResendMillis must be in [10, handshakeTimeoutMillis]");
            require(maxHandshakes >= 1, "maxHandshakes must be >= 1");
            // Large enough for one fragment of a certificate flight, small enough for a minimum IPv6 MTU.
            require(handshakeDatagramSize >= 256 && handshakeDatagramSize <= 1452, "handshakeDatagramSize must be in [256, 1452]");
            require(restartSilenceMillis >= 0, "restartSilenceMillis must be >= 0");
            require(socketBufferBytes >= 0, "socketBufferBytes must be >= 0");
            if (random == null) {
                random = new SecureRandom();
            }
            return new LinkConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
