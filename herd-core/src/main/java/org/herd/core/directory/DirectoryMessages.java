package org.herd.core.directory;

import java.nio.charset.StandardCharsets;
import org.herd.core.crypto.HerdCertificate;
import org.herd.core.crypto.OnionPublicKey;
import org.herd.core.wire.Bytes;

/**
 * The envelopes of the directory protocol and the dispatch of request bodies (§3.3–§3.5 of the
 * Herd paper). Transport-independent: the same bytes travel over a circuit (REGISTER, LOOKUP from
 * clients, relayed by their rendezvous mix), a mix's link to its directory (MIX_ENROLL,
 * UTILISATION_REPORT, GET_DIRECTORY), a client's first contact (JOIN) and between directories
 * (RATE_PROPOSAL).
 *
 * <pre>
 * request:  magic "HDRQ" 4 | version 1 | type 1 | request id 8 | body length 4 | body
 * response: magic "HDRS" 4 | version 1 | type 1 | request id 8 | status 1 | body length 4 | body
 * </pre>
 * The response echoes the request's type and id (0 and 0 if the request was too short to
 * carry them). With status {@link DirectoryStatus#OK} the body is the type's result (see
 * {@link DirectoryResponse}); otherwise it is the reason, printable ASCII.
 *
 * <p>Decoding is total: any input either decodes to a request that re-encodes to exactly the
 * same bytes, or is refused with a {@link DirectoryProtocolException} ({@code MALFORMED}, or
 * {@code UNSUPPORTED} for an unknown version or type).
 */
public final class DirectoryMessages {

    /** Request type: a client joins the zone. */
    public static final int JOIN = 1;
    /** Request type: a mix publishes (or has issued) its descriptor. */
    public static final int MIX_ENROLL = 2;
    /** Request type: fetch the signed directory document. */
    public static final int GET_DIRECTORY = 3;
    /** Request type: a client registers its rendezvous mix (via that mix, over a circuit). */
    public static final int REGISTER = 4;
    /** Request type: where is a client registered (via the caller's rendezvous mix). */
    public static final int LOOKUP = 5;
    /** Request type: a mix reports the utilisation of its links. */
    public static final int UTILISATION_REPORT = 6;
    /** Request type: a peer directory proposes an inter-zone rate. */
    public static final int RATE_PROPOSAL = 7;

    /** Magic of requests, "HDRQ". */
    static final int REQUEST_MAGIC = 0x48445251;
    /** Magic of responses, "HDRS". */
    static final int RESPONSE_MAGIC = 0x48445253;
    /** The protocol version. */
    public static final int VERSION = 1;
    /** Header size of a request. */
    public static final int REQUEST_HEADER = 18;
    /** Header size of a response. */
    public static final int RESPONSE_HEADER = 19;
    /** Largest request accepted (checked before parsing). */
    public static final int MAX_REQUEST_SIZE = 4096;
    /** Largest response produced or accepted. */
    public static final int MAX_RESPONSE_SIZE = 1 << 20;
    /** Longest reason text of an error response. */
    public static final int MAX_REASON = 1024;

    private static final byte[] SIGNATURE_CONTEXT = "herd-directory-request-v1\0".getBytes(StandardCharsets.US_ASCII);

    private DirectoryMessages() {
    }

    /** A decoded request and the id the response must echo. */
    public record Envelope(long requestId, DirectoryRequest request) {
    }

    /** Encodes {@code request} with {@code requestId}. */
    public static byte[] encodeRequest(long requestId, DirectoryRequest request) {
        byte[] body = request.encodeBody();
        byte[] out = new MessageWriter().int32(REQUEST_MAGIC).u8(VERSION).u8(request.type()).int64(requestId)
                .blob32(body).toByteArray();
        if (out.length > MAX_REQUEST_SIZE) {
            throw new IllegalArgumentException("request of " + out.length + " bytes exceeds " + MAX_REQUEST_SIZE);
        }
        return out;
    }

    /** Decodes a request from untrusted bytes; never throws anything but {@link DirectoryProtocolException}. */
    public static Envelope decodeRequest(byte[] bytes) throws DirectoryProtocolException {
        if (bytes == null) {
            throw new DirectoryProtocolException(DirectoryStatus.MALFORMED, "no request");
        }
        MessageReader r = new MessageReader(bytes);
        if (bytes.length > MAX_REQUEST_SIZE) {
            throw r.malformed("request longer than " + MAX_REQUEST_SIZE + " bytes: " + bytes.length);
        }
        if (r.int32("magic") != REQUEST_MAGIC) {
            throw r.malformed("not a directory request (bad magic)");
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "protocol version " + version);
        }
        int type = r.u8("type");
        long id = r.int64("request id");
        int length = r.int32("body length");
        if (length != r.remaining()) {
            throw r.malformed("body length " + length + " but " + r.remaining() + " bytes follow");
        }
        DirectoryRequest request = switch (type) {
            case JOIN -> DirectoryRequest.Join.decodeBody(r);
            case MIX_ENROLL -> decodeEnroll(r);
            case GET_DIRECTORY -> new DirectoryRequest.GetDirectory();
            case REGISTER -> DirectoryRequest.Register.decodeBody(r);
            case LOOKUP -> decodeLookup(r);
            case UTILISATION_REPORT -> DirectoryRequest.Report.decodeBody(r);
            case RATE_PROPOSAL -> DirectoryRequest.Proposal.decodeBody(r);
            default -> throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "unknown request type " + type);
        };
        r.end(typeName(type) + " body");
        return new Envelope(id, request);
    }

    private static DirectoryRequest decodeEnroll(MessageReader r) throws DirectoryProtocolException {
        int form = r.u8("enrol form");
        if (form == 1) {
            return new DirectoryRequest.EnrollDescriptor(r.blob16("descriptor", 1, HerdCertificate.MAX_ENCODED_SIZE));
        }
        if (form == 2) {
            return new DirectoryRequest.EnrollIssue(r.identityKey("mix key"),
                    OnionPublicKey.of(r.bytes(OnionPublicKey.SIZE, "onion key")), r.socketAddress("address"),
                    r.int64("timestamp"), r.bytes(DirectoryRequest.NONCE_SIZE, "nonce"),
                    r.bytes(DirectoryRequest.SIGNATURE_SIZE, "signature"));
        }
        throw r.malformed("unknown MIX_ENROLL form " + form);
    }

    private static DirectoryRequest decodeLookup(MessageReader r) throws DirectoryProtocolException {
        int form = r.u8("lookup form");
        if (form == 1) {
            return new DirectoryRequest.LookupByKey(r.zone("zone"), r.identityKey("client key"));
        }
        if (form == 2) {
            return new DirectoryRequest.LookupByAddress(r.ascii("address", 1, DirectoryRequest.LookupByAddress.MAX_LENGTH));
        }
        throw r.malformed("unknown LOOKUP form " + form);
    }

    /** The request id of a request, or 0 if the bytes are too short to carry one (for error responses). */
    public static long peekRequestId(byte[] bytes) {
        return bytes != null && bytes.length >= 14 ? Bytes.getLong(bytes, 6) : 0;
    }

    /** The type byte of a request, or 0 if the bytes are too short (for error responses). */
    public static int peekType(byte[] bytes) {
        return bytes != null && bytes.length >= 6 ? bytes[5] & 0xFF : 0;
    }

    /**
     * What a signed request's signature covers: {@code "herd-directory-request-v1\0" | type 1 |
     * receiving zone length 1 | receiving zone | body up to (excluding) the 64-byte signature}.
     *
     * @param bodyWithSignature the encoded body whose last 64 bytes are the signature (or a placeholder)
     */
    public static byte[] signedMessage(int type, String receivingZone, byte[] bodyWithSignature) {
        int signed = bodyWithSignature.length - DirectoryRequest.SIGNATURE_SIZE;
        if (signed < 0) {
            throw new IllegalArgumentException("body shorter than a signature");
        }
        MessageWriter w = new MessageWriter().bytes(SIGNATURE_CONTEXT).u8(type).zone(receivingZone);
        byte[] head = w.toByteArray();
        byte[] message = new byte[head.length + signed];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(bodyWithSignature, 0, message, head.length, signed);
        return message;
    }

    /** Encodes a response. */
    public static byte[] encodeResponse(DirectoryResponse response) {
        byte[] out = new MessageWriter().int32(RESPONSE_MAGIC).u8(VERSION).u8(response.type())
                .int64(response.requestId()).u8(response.status()).blob32(response.body()).toByteArray();
        if (out.length > MAX_RESPONSE_SIZE) {
            throw new IllegalArgumentException("response of " + out.length + " bytes exceeds " + MAX_RESPONSE_SIZE);
        }
        return out;
    }

    /** Decodes a response from untrusted bytes (a client or mix reading its directory's answer). */
    public static DirectoryResponse decodeResponse(byte[] bytes) throws DirectoryProtocolException {
        MessageReader r = new MessageReader(bytes);
        if (bytes.length > MAX_RESPONSE_SIZE) {
            throw r.malformed("response longer than " + MAX_RESPONSE_SIZE + " bytes");
        }
        if (r.int32("magic") != RESPONSE_MAGIC) {
            throw r.malformed("not a directory response (bad magic)");
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "protocol version " + version);
        }
        int type = r.u8("type");
        long id = r.int64("request id");
        int status = r.u8("status");
        byte[] body = r.blob32("body", 0, MAX_RESPONSE_SIZE);
        r.end("response");
        if (status != DirectoryStatus.OK) {
            if (body.length > MAX_REASON) {
                throw r.malformed("reason longer than " + MAX_REASON);
            }
            for (byte c : body) {
                if (c < 0x20 || c > 0x7E) {
                    throw r.malformed("reason is not printable ASCII");
                }
            }
        }
        return new DirectoryResponse(type, id, status, body);
    }

    /** A printable name of a request type. */
    public static String typeName(int type) {
        return switch (type) {
            case JOIN -> "JOIN";
            case MIX_ENROLL -> "MIX_ENROLL";
            case GET_DIRECTORY -> "GET_DIRECTORY";
            case REGISTER -> "REGISTER";
            case LOOKUP -> "LOOKUP";
            case UTILISATION_REPORT -> "UTILISATION_REPORT";
            case RATE_PROPOSAL -> "RATE_PROPOSAL";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
