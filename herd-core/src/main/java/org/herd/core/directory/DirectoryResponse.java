package org.herd.core.directory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.HerdCertificate;
import org.herd.core.crypto.OnionPublicKey;

/**
 * A directory response (envelope in {@link DirectoryMessages}). With status
 * {@link DirectoryStatus#OK} the body is, by request type:
 * <ul>
 *   <li>JOIN: {@link JoinResult};</li>
 *   <li>MIX_ENROLL: {@code descriptor length 2 | the published descriptor};</li>
 *   <li>GET_DIRECTORY: a signed {@link DirectoryDocument};</li>
 *   <li>REGISTER: empty;</li>
 *   <li>LOOKUP: {@link LookupResult};</li>
 *   <li>UTILISATION_REPORT, RATE_PROPOSAL: empty.</li>
 * </ul>
 * Otherwise the body is the reason: printable ASCII, at most {@link DirectoryMessages#MAX_REASON} bytes.
 *
 * @param type      the request type it answers
 * @param requestId the request's id
 * @param status    a {@link DirectoryStatus} code
 * @param body      the result or the reason
 */
public record DirectoryResponse(int type, long requestId, int status, byte[] body) {

    /** Copies the body. */
    public DirectoryResponse {
        body = Objects.requireNonNull(body, "body").clone();
    }

    /** A success. */
    public static DirectoryResponse ok(int type, long requestId, byte[] body) {
        return new DirectoryResponse(type, requestId, DirectoryStatus.OK, body);
    }

    /** A refusal: the reason is cut to {@link DirectoryMessages#MAX_REASON} printable ASCII characters. */
    public static DirectoryResponse error(int type, long requestId, int status, String reason) {
        byte[] text = String.valueOf(reason).getBytes(StandardCharsets.US_ASCII);
        byte[] clean = Arrays.copyOf(text, Math.min(text.length, DirectoryMessages.MAX_REASON));
        for (int i = 0; i < clean.length; i++) {
            if (clean[i] < 0x20 || clean[i] > 0x7E) {
                clean[i] = '?';
            }
        }
        return new DirectoryResponse(type, requestId, status, clean);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** True for {@link DirectoryStatus#OK}. */
    public boolean isOk() {
        return status == DirectoryStatus.OK;
    }

    /** The reason of a refusal (empty for a success). */
    public String reason() {
        return isOk() ? "" : new String(body, StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectoryResponse r && type == r.type && requestId == r.requestId && status == r.status
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, requestId, status, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "DirectoryResponse[" + DirectoryMessages.typeName(type) + " #" + requestId + " "
                + DirectoryStatus.name(status) + (isOk() ? " " + body.length + " bytes" : " " + reason()) + "]";
    }

    /**
     * The result of a JOIN (§3.5): {@code client certificate length 2 | certificate | Herd address
     * length 1 | address (user@zone.herd) | mix descriptor length 2 | the descriptor of the mix the
     * client is redirected to | document length 4 | the signed directory document (the zone's mix
     * list)}.
     */
    public record JoinResult(byte[] clientCertificate, String herdAddress, byte[] mixDescriptor, byte[] directoryDocument) {
        /** Copies. */
        public JoinResult {
            clientCertificate = clientCertificate.clone();
            Objects.requireNonNull(herdAddress, "herdAddress");
            mixDescriptor = mixDescriptor.clone();
            directoryDocument = directoryDocument.clone();
        }

        @Override
        public byte[] clientCertificate() {
            return clientCertificate.clone();
        }

        @Override
        public byte[] mixDescriptor() {
            return mixDescriptor.clone();
        }

        @Override
        public byte[] directoryDocument() {
            return directoryDocument.clone();
        }

        /** Encodes. */
        public byte[] encode() {
            return new MessageWriter().blob16(clientCertificate).ascii(herdAddress).blob16(mixDescriptor)
                    .blob32(directoryDocument).toByteArray();
        }

        /** Decodes (does not verify: the client verifies each item against the root). */
        public static JoinResult decode(byte[] body) throws DirectoryProtocolException {
            MessageReader r = new MessageReader(body);
            JoinResult j = new JoinResult(r.blob16("certificate", 1, HerdCertificate.MAX_ENCODED_SIZE),
                    r.ascii("address", 1, 128), r.blob16("descriptor", 1, HerdCertificate.MAX_ENCODED_SIZE),
                    r.blob32("document", 1, DirectoryMessages.MAX_RESPONSE_SIZE));
            r.end("JOIN result");
            return j;
        }
    }

    /**
     * The result of a LOOKUP (§3.3): {@code rendezvous mix key 32 | cookie 16 | onion key 32 |
     * binding valid-until 8 | binding signature 64} — byte for byte the circuit layer's positive
     * ANSWER after its status byte — then {@code descriptor length 2 | the rendezvous mix's
     * descriptor}. The caller checks the binding with {@link RendezvousBinding#verify} against the
     * callee's certificate, and the descriptor against the zone certificate.
     */
    public record LookupResult(byte[] rendezvousMix, byte[] cookie, byte[] onionKey, long bindingUntilMillis,
                               byte[] bindingSignature, byte[] rendezvousDescriptor) {
        /** Copies and checks sizes. */
        public LookupResult {
            rendezvousMix = MessageReader.exactCopy(rendezvousMix, 32, "rendezvous mix");
            cookie = MessageReader.exactCopy(cookie, DirectoryRequest.COOKIE_SIZE, "cookie");
            onionKey = MessageReader.exactCopy(onionKey, OnionPublicKey.SIZE, "onion key");
            bindingSignature = MessageReader.exactCopy(bindingSignature, DirectoryRequest.SIGNATURE_SIZE, "signature");
            rendezvousDescriptor = rendezvousDescriptor.clone();
        }

        @Override
        public byte[] rendezvousMix() {
            return rendezvousMix.clone();
        }

        @Override
        public byte[] cookie() {
            return cookie.clone();
        }

        @Override
        public byte[] onionKey() {
            return onionKey.clone();
        }

        @Override
        public byte[] bindingSignature() {
            return bindingSignature.clone();
        }

        @Override
        public byte[] rendezvousDescriptor() {
            return rendezvousDescriptor.clone();
        }

        /** Encodes. */
        public byte[] encode() {
            return new MessageWriter().bytes(rendezvousMix).bytes(cookie).bytes(onionKey).int64(bindingUntilMillis)
                    .bytes(bindingSignature).blob16(rendezvousDescriptor).toByteArray();
        }

        /**
         * The circuit layer's positive ANSWER relay message for this result, answering the relay
         * LOOKUP with request id {@code lookupRequestId}: request id 8 | status 0 | rendezvous
         * mix 32 | cookie 16 | onion key 32 | valid-until 8 | binding signature 64 (what a
         * rendezvous mix sends back to the caller; the descriptor stays with the mix).
         */
        public byte[] circuitAnswer(long lookupRequestId) {
            return new MessageWriter().int64(lookupRequestId).u8(DirectoryStatus.OK).bytes(rendezvousMix).bytes(cookie)
                    .bytes(onionKey).int64(bindingUntilMillis).bytes(bindingSignature).toByteArray();
        }

        /** Decodes. */
        public static LookupResult decode(byte[] body) throws DirectoryProtocolException {
            MessageReader r = new MessageReader(body);
            LookupResult l = new LookupResult(r.bytes(32, "rendezvous mix"), r.bytes(16, "cookie"),
                    r.bytes(32, "onion key"), r.int64("valid-until"), r.bytes(64, "signature"),
                    r.blob16("descriptor", 1, HerdCertificate.MAX_ENCODED_SIZE));
            r.end("LOOKUP result");
            return l;
        }
    }
}
