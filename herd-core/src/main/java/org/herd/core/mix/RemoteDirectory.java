package org.herd.core.mix;

import java.util.Objects;
import java.util.concurrent.Executor;
import org.herd.core.circuit.DirectoryEndpoint;
import org.herd.core.circuit.Mix;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;

/**
 * The Mix's {@link DirectoryEndpoint} over directory links (§3.3 of the Herd paper): a REGISTER
 * goes to the directory of the zone that certified the client, a LOOKUP to the directory of the
 * zone it names (so a callee's directory sees the caller's rendezvous Mix, never the caller's own
 * Mix). Replies come back through {@link #onMessage} and are handed to the {@link Mix} with the
 * request id. A request for a zone whose directory is not linked is answered at once (posted, not
 * re-entrant) with {@code STATUS_UNKNOWN_ZONE} / {@code STATUS_BAD_REQUEST}, and counted.
 *
 * <p>Threading: the Mix's thread only.
 */
public final class RemoteDirectory implements DirectoryEndpoint {

    /** Sends one message to the directory of {@code zone}; false if that directory is not linked. */
    @FunctionalInterface
    public interface Sender {
        /** Queues {@code message} for the directory of {@code zone}. */
        boolean send(String zone, byte[] message);
    }

    private final String ownZone;
    private final Sender sender;
    private final Executor later;
    private Mix mix;
    private long unreachable;
    private long malformed;
    private long replies;

    /** Sends through {@code sender}; {@code later} runs local refusals on the Mix's thread after the current call. */
    public RemoteDirectory(String ownZone, Sender sender, Executor later) {
        this.ownZone = Objects.requireNonNull(ownZone);
        this.sender = Objects.requireNonNull(sender);
        this.later = Objects.requireNonNull(later);
    }

    /** The Mix the replies go to (set once, before the first cell). */
    public void bind(Mix target) {
        this.mix = Objects.requireNonNull(target);
    }

    @Override
    public void register(long requestId, IdentityPublicKey rendezvousMix, ControlMessages.Register request) {
        String zone = ownZone;
        try {
            zone = ClientCertificate.decode(request.certificate()).zone();
        } catch (CertificateException e) {
            // The directory refuses it; ask ours so the answer comes from the authority.
        }
        byte[] rv = rendezvousMix.encoded();
        byte[] body = request.encode();
        byte[] both = new byte[rv.length + body.length];
        System.arraycopy(rv, 0, both, 0, rv.length);
        System.arraycopy(body, 0, both, rv.length, body.length);
        if (!sender.send(zone, DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTER, requestId, both))) {
            unreachable++;
            later.execute(() -> mix.onRegistered(requestId, new ControlMessages.Registered(ControlMessages.STATUS_BAD_REQUEST)));
        }
    }

    @Override
    public void lookup(long requestId, ControlMessages.Lookup request) {
        if (!sender.send(request.zone(), DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, requestId, request.encode()))) {
            unreachable++;
            later.execute(() -> mix.onAnswer(requestId, request.refused(ControlMessages.STATUS_UNKNOWN_ZONE)));
        }
    }

    /** A whole message arrived on a directory link. */
    public void onMessage(byte[] message) {
        try {
            DirectoryLinkCodec.Message m = DirectoryLinkCodec.parse(message);
            switch (m.type()) {
                case DirectoryLinkCodec.REGISTERED -> mix.onRegistered(m.requestId(), ControlMessages.Registered.decode(m.body()));
                case DirectoryLinkCodec.ANSWER -> mix.onAnswer(m.requestId(), ControlMessages.Answer.decode(m.body()));
                default -> {
                    malformed++;
                    return;
                }
            }
            replies++;
        } catch (MalformedMessageException e) {
            malformed++;
        }
    }

    /** Requests for a zone whose directory was not linked. */
    public long unreachable() {
        return unreachable;
    }

    /** Malformed replies dropped. */
    public long malformed() {
        return malformed;
    }

    /** Replies handed to the Mix. */
    public long replies() {
        return replies;
    }
}
