package org.herd.core.mix;

import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;

/**
 * The directory's end of a directory link (§3.3 of the Herd paper): decodes a REGISTER or LOOKUP
 * forwarded by a rendezvous Mix, asks the {@link Handler} (the zone's registry), and encodes the
 * reply for the same request id. Malformed requests are dropped and counted; the Mix's own
 * deadline then cleans its pending state.
 *
 * <p>Not thread-safe: one link thread calls it.
 */
public final class DirectoryLinkService {

    /** What a zone directory answers (in-process registry, or a directory service). */
    public interface Handler {
        /** A REGISTER forwarded by {@code rendezvous}. */
        ControlMessages.Registered register(IdentityPublicKey rendezvous, ControlMessages.Register request);

        /** A LOOKUP. */
        ControlMessages.Answer lookup(ControlMessages.Lookup request);

        /**
         * A whole directory-protocol request from {@code peer} (a Mix, or a joining client); the
         * response bytes, or null if this directory serves none (then the request is counted as
         * malformed).
         */
        default byte[] request(IdentityPublicKey peer, byte[] directoryRequest) {
            return null;
        }
    }

    /**
     * The handler of the directory of {@code zone} whose requests {@code service} answers: REGISTER
     * and LOOKUP translated to the directory protocol ({@code RendezvousDirectoryEndpoint}; a LOOKUP
     * for another zone is refused, the Mix sends it to that zone's directory), whole requests
     * answered as they are.
     */
    public static Handler handlerFor(String zone, java.util.function.UnaryOperator<byte[]> service) {
        Objects.requireNonNull(zone);
        Objects.requireNonNull(service);
        return new Handler() {
            @Override
            public ControlMessages.Registered register(IdentityPublicKey rendezvous, ControlMessages.Register request) {
                return org.herd.core.directory.RendezvousDirectoryEndpoint.register(service, zone, rendezvous, request);
            }

            @Override
            public ControlMessages.Answer lookup(ControlMessages.Lookup request) {
                return org.herd.core.directory.RendezvousDirectoryEndpoint.lookup(
                        request.zone().equals(zone) ? service : null, request);
            }

            @Override
            public byte[] request(IdentityPublicKey peer, byte[] directoryRequest) {
                return service.apply(directoryRequest);
            }
        };
    }

    private final Handler handler;
    private long malformed;
    private long served;

    /** Answers with {@code handler}. */
    public DirectoryLinkService(Handler handler) {
        this.handler = Objects.requireNonNull(handler);
    }

    /** The reply message to {@code message}, or null if it is malformed (counted); the sender unknown. */
    public byte[] serve(byte[] message) {
        return serve(null, message);
    }

    /** The reply message to {@code message} from {@code peer}, or null if it is malformed (counted). */
    public byte[] serve(IdentityPublicKey peer, byte[] message) {
        try {
            DirectoryLinkCodec.Message m = DirectoryLinkCodec.parse(message);
            byte[] reply;
            switch (m.type()) {
                case DirectoryLinkCodec.REGISTER -> {
                    if (m.body().length < ControlMessages.KEY_SIZE) {
                        throw new MalformedMessageException("REGISTER without the rendezvous Mix");
                    }
                    IdentityPublicKey rv = IdentityPublicKey.of(Arrays.copyOf(m.body(), ControlMessages.KEY_SIZE));
                    ControlMessages.Register r = ControlMessages.Register.decode(
                            Arrays.copyOfRange(m.body(), ControlMessages.KEY_SIZE, m.body().length));
                    reply = DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTERED, m.requestId(),
                            handler.register(rv, r).encode());
                }
                case DirectoryLinkCodec.LOOKUP -> reply = DirectoryLinkCodec.message(DirectoryLinkCodec.ANSWER, m.requestId(),
                        handler.lookup(ControlMessages.Lookup.decode(m.body())).encode());
                case DirectoryLinkCodec.REQUEST -> {
                    byte[] response = handler.request(peer, m.body());
                    if (response == null) {
                        throw new MalformedMessageException("this directory serves no directory-protocol requests");
                    }
                    reply = DirectoryLinkCodec.message(DirectoryLinkCodec.RESPONSE, m.requestId(), response);
                }
                default -> throw new MalformedMessageException("directory-link message type " + m.type());
            }
            served++;
            return reply;
        } catch (MalformedMessageException | IllegalArgumentException e) {
            malformed++;
            return null;
        }
    }

    /** Requests dropped as malformed. */
    public long malformed() {
        return malformed;
    }

    /** Requests answered. */
    public long served() {
        return served;
    }
}
