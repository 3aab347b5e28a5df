package org.herd.core.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Codecs of the control messages carried by relay cells (§3.2 circuit extension, §3.3
 * rendezvous of the Herd paper). Keys are raw bytes here (this layer knows no crypto); the
 * circuit layer wraps them. Each record encodes to exactly one canonical byte string and
 * {@code decode} accepts only that string: wrong lengths, trailing bytes or bad fields are a
 * {@link MalformedMessageException}. Formats (big-endian) are tabled in {@code docs/network.md}.
 */
public final class ControlMessages {

    /** Size of an ntor client handshake with a 32-byte Herd ID (ID | B | X). */
    public static final int NTOR_CLIENT_SIZE = 96;
    /** Size of an ntor server handshake (Y | AUTH). */
    public static final int NTOR_SERVER_SIZE = 64;
    /** Size of an Ed25519 or X25519 public key. */
    public static final int KEY_SIZE = 32;
    /** Size of an Ed25519 signature. */
    public static final int SIGNATURE_SIZE = 64;
    /** Size of a rendezvous cookie. */
    public static final int COOKIE_SIZE = 16;

    /** END reason: a party hung up. */
    public static final int END_HANGUP = 1;
    /** END reason: the cookie is not registered at the rendezvous Mix (callee offline). */
    public static final int END_NOT_REGISTERED = 2;
    /** END reason: no pre-built circuit to the rendezvous Mix (refused, never queued). */
    public static final int END_NO_CIRCUIT = 3;
    /** END reason: a circuit of the call was destroyed. */
    public static final int END_DESTROYED = 4;
    /** END reason: the callee refused or the call message was bad. */
    public static final int END_REFUSED = 5;
    /** END reason: a RESUME named a call the rendezvous Mix does not hold (never held, or its wait ran out). */
    public static final int END_NO_CALL = 6;
    /**
     * END reason: a link the call would cross is at the capacity of its current rate; the call is
     * refused at set-up, never queued (§3.4; {@code directory.CapacityGate}).
     */
    public static final int END_AT_CAPACITY = 7;
    /**
     * END reason: the call's splice at a rendezvous Mix carried no cell for
     * {@code Mix.SPLICE_IDLE_NANOS} (its END was lost, or a party vanished without one).
     */
    public static final int END_IDLE = 8;

    /**
     * Copies of every END a client or Mix originates or passes across a splice, sent back to back
     * (END has no acknowledgement): a lost END must not leave a call spliced. Receivers treat the
     * extra copies as no-ops ({@code docs/network.md}, "Lost control cells").
     */
    public static final int END_COPIES = 3;

    /** Directory status: done. */
    public static final int STATUS_OK = 0;
    /** Directory status: no such client in the zone. */
    public static final int STATUS_UNKNOWN_CLIENT = 1;
    /** Directory status: the client is known but has no live registration. */
    public static final int STATUS_NOT_REGISTERED = 2;
    /** Directory status: the request did not verify (signature, certificate, zone). */
    public static final int STATUS_BAD_REQUEST = 3;
    /** Directory status: no directory for that zone is reachable. */
    public static final int STATUS_UNKNOWN_ZONE = 4;

    private ControlMessages() {
    }

    /** EXTEND: the ntor client handshake whose ID names the next Mix. */
    public record Extend(byte[] handshake) {
        /** Encodes. */
        public byte[] encode() {
            return exact(handshake, NTOR_CLIENT_SIZE, "handshake").clone();
        }

        /** Decodes. */
        public static Extend decode(byte[] b) throws MalformedMessageException {
            need(b, NTOR_CLIENT_SIZE, "EXTEND");
            return new Extend(b.clone());
        }
    }

    /** EXTENDED: the next Mix's ntor reply. */
    public record Extended(byte[] reply) {
        /** Encodes. */
        public byte[] encode() {
            return exact(reply, NTOR_SERVER_SIZE, "reply").clone();
        }

        /** Decodes. */
        public static Extended decode(byte[] b) throws MalformedMessageException {
            need(b, NTOR_SERVER_SIZE, "EXTENDED");
            return new Extended(b.clone());
        }
    }

    /** END: one reason byte. */
    public record End(int reason) {
        /** Encodes. */
        public byte[] encode() {
            return new byte[] {(byte) reason};
        }

        /** Decodes (any reason value is carried; unknown ones are still an END). */
        public static End decode(byte[] b) throws MalformedMessageException {
            need(b, 1, "END");
            return new End(b[0] & 0xFF);
        }
    }

    /** CONNECT: call id 8 | rendezvous Mix identity 32 | cookie 16 | ntor client handshake 96. */
    public record Connect(long callId, byte[] rendezvous, byte[] cookie, byte[] handshake) {
        /** Encoded size. */
        public static final int SIZE = 8 + KEY_SIZE + COOKIE_SIZE + NTOR_CLIENT_SIZE;

        /** Encodes. */
        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Bytes.putLong(b, 0, callId);
            put(b, 8, exact(rendezvous, KEY_SIZE, "rendezvous"));
            put(b, 40, exact(cookie, COOKIE_SIZE, "cookie"));
            put(b, 56, exact(handshake, NTOR_CLIENT_SIZE, "handshake"));
            return b;
        }

        /** Decodes. */
        public static Connect decode(byte[] b) throws MalformedMessageException {
            need(b, SIZE, "CONNECT");
            return new Connect(Bytes.getLong(b, 0), slice(b, 8, KEY_SIZE), slice(b, 40, COOKIE_SIZE),
                    slice(b, 56, NTOR_CLIENT_SIZE));
        }
    }

    /** CONNECTED: call id 8 | ntor server handshake 64. */
    public record Connected(long callId, byte[] reply) {
        /** Encoded size. */
        public static final int SIZE = 8 + NTOR_SERVER_SIZE;

        /** Encodes. */
        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Bytes.putLong(b, 0, callId);
            put(b, 8, exact(reply, NTOR_SERVER_SIZE, "reply"));
            return b;
        }

        /** Decodes. */
        public static Connected decode(byte[] b) throws MalformedMessageException {
            need(b, SIZE, "CONNECTED");
            return new Connected(Bytes.getLong(b, 0), slice(b, 8, NTOR_SERVER_SIZE));
        }
    }

    /** RESUME: call id 8 | the callee's rendezvous Mix R2 identity 32 (§3.5: a call moving to a re-joined client's new circuit). */
    public record Resume(long callId, byte[] rendezvous) {
        /** Encoded size. */
        public static final int SIZE = 8 + KEY_SIZE;

        /** Encodes. */
        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Bytes.putLong(b, 0, callId);
            put(b, 8, exact(rendezvous, KEY_SIZE, "rendezvous"));
            return b;
        }

        /** Decodes. */
        public static Resume decode(byte[] b) throws MalformedMessageException {
            need(b, SIZE, "RESUME");
            return new Resume(Bytes.getLong(b, 0), slice(b, 8, KEY_SIZE));
        }
    }

    /** RESUMED: call id 8. */
    public record Resumed(long callId) {
        /** Encoded size. */
        public static final int SIZE = 8;

        /** Encodes. */
        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Bytes.putLong(b, 0, callId);
            return b;
        }

        /** Decodes. */
        public static Resumed decode(byte[] b) throws MalformedMessageException {
            need(b, SIZE, "RESUMED");
            return new Resumed(Bytes.getLong(b, 0));
        }
    }

    /**
     * REGISTER: cookie 16 | onion key 32 | binding valid-until 8 | binding signature 64 |
     * certificate length 2 | client certificate (1..512). The binding is the callee's signature,
     * with its certified identity key, over its end-to-end onion key.
     */
    public record Register(byte[] cookie, byte[] onionKey, long bindingUntil, byte[] bindingSignature,
            byte[] certificate) {
        private static final int FIXED = COOKIE_SIZE + KEY_SIZE + 8 + SIGNATURE_SIZE + 2;
        /** Longest certificate accepted (HerdCertificate.MAX_ENCODED_SIZE). */
        public static final int MAX_CERTIFICATE = 512;

        /** Encodes. */
        public byte[] encode() {
            if (certificate.length < 1 || certificate.length > MAX_CERTIFICATE) {
                throw new IllegalArgumentException("certificate of " + certificate.length + " bytes");
            }
            byte[] b = new byte[FIXED + certificate.length];
            put(b, 0, exact(cookie, COOKIE_SIZE, "cookie"));
            put(b, 16, exact(onionKey, KEY_SIZE, "onion key"));
            Bytes.putLong(b, 48, bindingUntil);
            put(b, 56, exact(bindingSignature, SIGNATURE_SIZE, "signature"));
            Bytes.putShort(b, 120, certificate.length);
            put(b, FIXED, certificate);
            return b;
        }

        /** Decodes. */
        public static Register decode(byte[] b) throws MalformedMessageException {
            if (b.length < FIXED + 1) {
                throw new MalformedMessageException("REGISTER of " + b.length + " bytes is truncated");
            }
            int certLength = Bytes.getUnsignedShort(b, 120);
            if (certLength < 1 || certLength > MAX_CERTIFICATE || b.length != FIXED + certLength) {
                throw new MalformedMessageException("REGISTER certificate length " + certLength + " in "
                        + b.length + " bytes");
            }
            return new Register(slice(b, 0, COOKIE_SIZE), slice(b, 16, KEY_SIZE), Bytes.getLong(b, 48),
                    slice(b, 56, SIGNATURE_SIZE), slice(b, FIXED, certLength));
        }
    }

    /** REGISTERED: status 1. */
    public record Registered(int status) {
        /** Encodes. */
        public byte[] encode() {
            return new byte[] {(byte) status};
        }

        /** Decodes. */
        public static Registered decode(byte[] b) throws MalformedMessageException {
            need(b, 1, "REGISTERED");
            return new Registered(b[0] & 0xFF);
        }
    }

    /**
     * The request id no client draws ({@link Lookup#requestId}): an ANSWER that carries it answers
     * a LOOKUP whose id could not be read (a malformed one), and matches no LOOKUP in flight.
     */
    public static final long NO_REQUEST_ID = 0;

    /**
     * LOOKUP: request id 8 | zone length 1 (1..63) | zone (ASCII) | client identity key 32. The
     * request id is drawn at random by the caller, fresh for each LOOKUP and the same on every
     * re-sent copy of it; every ANSWER echoes it, so the caller can tell this LOOKUP's answer from a
     * late one to an earlier LOOKUP.
     */
    public record Lookup(long requestId, String zone, byte[] clientKey) {
        /** Bytes before the zone: request id 8 | zone length 1. */
        private static final int HEADER = 8 + 1;

        /** Encodes. */
        public byte[] encode() {
            byte[] z = zone.getBytes(StandardCharsets.US_ASCII);
            if (z.length < 1 || z.length > 63) {
                throw new IllegalArgumentException("zone name of " + z.length + " bytes");
            }
            byte[] b = new byte[HEADER + z.length + KEY_SIZE];
            Bytes.putLong(b, 0, requestId);
            b[8] = (byte) z.length;
            put(b, HEADER, z);
            put(b, HEADER + z.length, exact(clientKey, KEY_SIZE, "client key"));
            return b;
        }

        /** Decodes (the zone's characters are checked by the directory, which knows its names). */
        public static Lookup decode(byte[] b) throws MalformedMessageException {
            if (b.length < HEADER + 1) {
                throw new MalformedMessageException("LOOKUP of " + b.length + " bytes is truncated");
            }
            int z = b[8] & 0xFF;
            if (z < 1 || z > 63 || b.length != HEADER + z + KEY_SIZE) {
                throw new MalformedMessageException("LOOKUP zone length " + z + " in " + b.length + " bytes");
            }
            for (int i = HEADER; i < HEADER + z; i++) {
                if (b[i] < 0x21 || b[i] > 0x7E) {
                    throw new MalformedMessageException("LOOKUP zone is not printable ASCII");
                }
            }
            return new Lookup(Bytes.getLong(b, 0), new String(b, HEADER, z, StandardCharsets.US_ASCII),
                    slice(b, HEADER + z, KEY_SIZE));
        }

        /** The negative ANSWER to this LOOKUP (its request id echoed). */
        public Answer refused(int status) {
            return Answer.refused(requestId, status);
        }

        /** The positive ANSWER to this LOOKUP (its request id echoed). */
        public Answer found(byte[] rendezvous, byte[] cookie, byte[] onionKey, long bindingUntil,
                byte[] bindingSignature) {
            return new Answer(requestId, STATUS_OK, rendezvous, cookie, onionKey, bindingUntil, bindingSignature);
        }
    }

    /**
     * ANSWER: request id 8 (the LOOKUP's, echoed) | status 1, and only for {@link #STATUS_OK}:
     * rendezvous Mix identity 32 | cookie 16 | onion key 32 | binding valid-until 8 | binding
     * signature 64.
     */
    public record Answer(long requestId, int status, byte[] rendezvous, byte[] cookie, byte[] onionKey,
            long bindingUntil, byte[] bindingSignature) {
        /** Encoded size of a negative answer: request id 8 | status 1. */
        public static final int REFUSED_SIZE = 8 + 1;
        /** Encoded size of a positive answer. */
        public static final int OK_SIZE = REFUSED_SIZE + KEY_SIZE + COOKIE_SIZE + KEY_SIZE + 8 + SIGNATURE_SIZE;

        /** A negative answer to the LOOKUP with id {@code requestId}. */
        public static Answer refused(long requestId, int status) {
            if (status == STATUS_OK) {
                throw new IllegalArgumentException("a refusal needs a non-OK status");
            }
            return new Answer(requestId, status, null, null, null, 0, null);
        }

        /** Encodes. */
        public byte[] encode() {
            if (status != STATUS_OK) {
                byte[] b = new byte[REFUSED_SIZE];
                Bytes.putLong(b, 0, requestId);
                b[8] = (byte) status;
                return b;
            }
            byte[] b = new byte[OK_SIZE];
            Bytes.putLong(b, 0, requestId);
            put(b, 9, exact(rendezvous, KEY_SIZE, "rendezvous"));
            put(b, 41, exact(cookie, COOKIE_SIZE, "cookie"));
            put(b, 57, exact(onionKey, KEY_SIZE, "onion key"));
            Bytes.putLong(b, 89, bindingUntil);
            put(b, 97, exact(bindingSignature, SIGNATURE_SIZE, "signature"));
            return b;
        }

        /** Decodes. */
        public static Answer decode(byte[] b) throws MalformedMessageException {
            if (b.length < REFUSED_SIZE) {
                throw new MalformedMessageException("ANSWER of " + b.length + " bytes is truncated");
            }
            long requestId = Bytes.getLong(b, 0);
            int status = b[8] & 0xFF;
            if (status != STATUS_OK) {
                if (b.length != REFUSED_SIZE) {
                    throw new MalformedMessageException("ANSWER with status " + status + " carries a body");
                }
                return refused(requestId, status);
            }
            need(b, OK_SIZE, "ANSWER with status OK");
            return new Answer(requestId, STATUS_OK, slice(b, 9, KEY_SIZE), slice(b, 41, COOKIE_SIZE),
                    slice(b, 57, KEY_SIZE), Bytes.getLong(b, 89), slice(b, 97, SIGNATURE_SIZE));
        }
    }

    private static byte[] exact(byte[] v, int size, String what) {
        if (v == null || v.length != size) {
            throw new IllegalArgumentException(what + " must have " + size + " bytes");
        }
        return v;
    }

    private static void need(byte[] b, int size, String what) throws MalformedMessageException {
        if (b.length != size) {
            throw new MalformedMessageException(what + " has " + b.length + " bytes, expected " + size);
        }
    }

    private static void put(byte[] dst, int off, byte[] src) {
        System.arraycopy(src, 0, dst, off, src.length);
    }

    private static byte[] slice(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }
}
