package org.herd.core.directory;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.herd.core.circuit.DirectoryEndpoint;
import org.herd.core.circuit.Mix;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.ControlMessages;

/**
 * The {@link DirectoryEndpoint} of a rendezvous {@link Mix} served by zone directories reachable
 * as request-bytes → response-bytes handlers (§3.3 of the Herd paper): a {@link DirectoryService}'s
 * {@code handle} in the same process, or a transport to a remote directory. A relay REGISTER
 * becomes a directory REGISTER that names this Mix (so the client's {@link RendezvousBinding}
 * must name it too) and goes to the Mix's own zone; a relay LOOKUP goes to the directory of the
 * zone it names. The status of the directory's response is passed to the client unchanged
 * ({@link DirectoryStatus}; 0..4 are the relay statuses of {@link ControlMessages}), and an OK
 * lookup becomes the relay ANSWER ({@link DirectoryResponse.LookupResult#circuitAnswer()}).
 *
 * <p>Replies are delivered through {@link Mix#onRegistered}/{@link Mix#onAnswer} by
 * {@code mixThread} (the Mix's own thread). This class calls the handler on the caller's thread:
 * with a {@code DirectoryService} in the same process that is a synchronous SQLite write, fine
 * for tests and the embedded devnet; a production Mix hands the request to an executor first.
 */
public final class RendezvousDirectoryEndpoint implements DirectoryEndpoint {

    private final String zone;
    private final Function<String, UnaryOperator<byte[]>> directories;
    private final Executor mixThread;
    private Mix mix;

    /**
     * An endpoint for a Mix of {@code zone}; {@code directories} maps a zone name to its
     * directory's handler (null if unknown), {@code mixThread} runs the reply on the Mix's thread.
     */
    public RendezvousDirectoryEndpoint(String zone, Function<String, UnaryOperator<byte[]>> directories,
                                       Executor mixThread) {
        this.zone = RateScope.requireZone(zone);
        this.directories = Objects.requireNonNull(directories, "directories");
        this.mixThread = Objects.requireNonNull(mixThread, "mixThread");
    }

    /** Names the Mix the replies go to (it is built with this endpoint, hence after it). */
    public void attach(Mix mix) {
        this.mix = Objects.requireNonNull(mix, "mix");
    }

    @Override
    public void register(long requestId, IdentityPublicKey rendezvousMix, ControlMessages.Register request) {
        ControlMessages.Registered reply = register(directories.apply(zone), zone, rendezvousMix, request);
        Mix m = requireMix();
        mixThread.execute(() -> m.onRegistered(requestId, reply));
    }

    @Override
    public void lookup(long requestId, ControlMessages.Lookup request) {
        ControlMessages.Answer answer = lookup(directories.apply(request.zone()), request);
        Mix m = requireMix();
        mixThread.execute(() -> m.onAnswer(requestId, answer));
    }

    /**
     * A relay REGISTER that {@code rendezvousMix} forwards, asked of the directory of
     * {@code zone} ({@code directory}: request bytes to response bytes, e.g.
     * {@code DirectoryService::handle}; null if there is none), as the relay reply.
     */
    public static ControlMessages.Registered register(UnaryOperator<byte[]> directory, String zone,
            IdentityPublicKey rendezvousMix, ControlMessages.Register request) {
        int status;
        try {
            DirectoryRequest.Register r = new DirectoryRequest.Register(rendezvousMix, request.cookie(),
                    request.onionKey(), request.bindingUntil(), request.bindingSignature(), request.certificate());
            status = ask(directory, zone, r).status();
        } catch (IllegalArgumentException e) {
            status = DirectoryStatus.BAD_REQUEST;
        }
        return new ControlMessages.Registered(status);
    }

    /**
     * A relay LOOKUP asked of the directory of the zone it names, as the relay ANSWER; every
     * answer, positive or not, echoes the LOOKUP's request id (the directory protocol's LOOKUP
     * does not carry it: this translation is where the directory side echoes it).
     */
    public static ControlMessages.Answer lookup(UnaryOperator<byte[]> directory, ControlMessages.Lookup request) {
        try {
            DirectoryResponse response = ask(directory, request.zone(),
                    new DirectoryRequest.LookupByKey(request.zone(), IdentityPublicKey.of(request.clientKey())));
            if (response.isOk()) {
                DirectoryResponse.LookupResult r = DirectoryResponse.LookupResult.decode(response.body());
                return request.found(r.rendezvousMix(), r.cookie(), r.onionKey(), r.bindingUntilMillis(),
                        r.bindingSignature());
            }
            return request.refused(response.status());
        } catch (IllegalArgumentException e) {
            return request.refused(DirectoryStatus.BAD_REQUEST);
        } catch (DirectoryProtocolException e) {
            return request.refused(DirectoryStatus.UNAVAILABLE);
        }
    }

    private Mix requireMix() {
        if (mix == null) {
            throw new IllegalStateException("no Mix attached");
        }
        return mix;
    }

    /** One request to {@code targetZone}'s directory; an unknown zone or unusable response is a status. */
    private static DirectoryResponse ask(UnaryOperator<byte[]> handler, String targetZone, DirectoryRequest request) {
        if (handler == null) {
            return DirectoryResponse.error(request.type(), 0, DirectoryStatus.UNKNOWN_ZONE, "no directory for " + targetZone);
        }
        try {
            return DirectoryMessages.decodeResponse(handler.apply(DirectoryMessages.encodeRequest(0, request)));
        } catch (DirectoryProtocolException | RuntimeException e) {
            // The directory is unreachable or answered garbage: the client sees UNAVAILABLE and retries.
            return DirectoryResponse.error(request.type(), 0, DirectoryStatus.UNAVAILABLE, "directory unusable");
        }
    }
}
