package org.herd.core.client;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.DirectoryDocument;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryProtocolException;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.directory.DirectoryResponse;
import org.herd.core.directory.DirectoryStatus;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.mix.DirectoryLinkCodec;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A client's JOIN (§3.5 of the Herd paper): the client links directly to its zone's directory
 * (it has no Mix yet; the DTLS link pins the directory key named by the zone certificate), sends
 * a JOIN signed with its identity key, and gets back its certificate and Herd address, the Mix it
 * is redirected to (drawn uniformly by the directory) and the directory's signed document. The
 * document is verified against the root key; the certificate against the zone certificate; the
 * Mix must be one of the document's valid Mixes of the zone. The link is closed afterwards.
 *
 * <p>A JOIN with no answer within {@link #RETRY_MILLIS} is sent again with a fresh nonce (UDP
 * may lose a fragment); JOIN is idempotent at the directory (same client id and address).
 */
public final class DirectoryJoin {

    /** Re-send period of an unanswered JOIN. */
    public static final long RETRY_MILLIS = 2000;

    /** What a JOIN returned, verified. */
    public record Joined(ClientCertificate certificate, MixDescriptor mix, List<MixDescriptor> zoneMixes,
            DirectoryDocument document) {
    }

    /** A JOIN that failed: the directory's refusal (status, reason), or no answer / a bad answer. */
    public static final class JoinException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        JoinException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The directory's status ({@link DirectoryStatus}), or {@code UNAVAILABLE} for no answer. */
        public int status() {
            return status;
        }
    }

    private DirectoryJoin() {
    }

    /**
     * Joins {@code zone.zone()} through its directory at {@code directory}, waiting at most {@code timeoutMillis}.
     *
     * @throws JoinException if the directory refuses, or answers nothing verifiable in time
     * @throws LinkException if {@code listen} cannot be bound
     */
    public static Joined join(IdentityKeyPair identity, ZoneCertificate zone, InetSocketAddress directory,
            IdentityPublicKey root, InetSocketAddress listen, LinkConfig link, Clock clock, SecureRandom random,
            long timeoutMillis) throws JoinException, LinkException, InterruptedException {
        Objects.requireNonNull(zone);
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        IdentityPublicKey directoryKey = zone.directoryKey();
        DirectoryLinkCodec.Assembler assembler = new DirectoryLinkCodec.Assembler();
        int[] peer = {-1};
        NodeLinks[] self = new NodeLinks[1];
        Runnable send = () -> {
            if (peer[0] < 0 || response.isDone()) {
                return;
            }
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            long id = random.nextLong();
            byte[] request = DirectoryMessages.encodeRequest(id,
                    DirectoryRequest.Join.sign(identity, zone.zone(), clock.epochMillis(), nonce));
            for (byte[] cell : DirectoryLinkCodec.cells((int) id, DirectoryLinkCodec.message(DirectoryLinkCodec.REQUEST, id, request))) {
                self[0].send(peer[0], cell, 0);
            }
        };
        try (NodeLinks links = NodeLinks.start(link, identity, listen, null, clock, l -> {
            self[0] = l;
            RateClass rc = l.newRateClass("directory", 2);
            return new NodeLinks.Handler() {
                @Override
                public RateClass rateClass(IdentityPublicKey key) {
                    return key.equals(directoryKey) ? rc : null;
                }

                @Override
                public void linkUp(int p, IdentityPublicKey key) {
                    peer[0] = p;
                    send.run();
                }

                @Override
                public void linkDown(int p, IdentityPublicKey key, LinkFailureReason reason) {
                    peer[0] = -1;
                }

                @Override
                public void onCell(int p, byte[] buffer, int offset) {
                    byte[] m = assembler.accept(buffer, offset);
                    if (m != null && (m[0] & 0xFF) == DirectoryLinkCodec.RESPONSE) {
                        response.complete(java.util.Arrays.copyOfRange(m, 9, m.length));
                    }
                }
            };
        })) {
            links.keep(directory, directoryKey);
            links.every(RETRY_MILLIS, send);
            byte[] bytes;
            try {
                bytes = response.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new JoinException(DirectoryStatus.UNAVAILABLE, "no answer from the directory of " + zone.zone()
                        + " at " + directory + " in " + timeoutMillis + " ms");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return verify(bytes, zone, root, clock);
        }
    }

    /** Checks a JOIN response: status, document, certificate and Mix. */
    static Joined verify(byte[] bytes, ZoneCertificate zone, IdentityPublicKey root, Clock clock) throws JoinException {
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(bytes);
            if (!r.isOk()) {
                throw new JoinException(r.status(), "the directory of " + zone.zone() + " refused the JOIN: "
                        + DirectoryStatus.name(r.status()) + " (" + r.reason() + ")");
            }
            DirectoryResponse.JoinResult j = DirectoryResponse.JoinResult.decode(r.body());
            DirectoryDocument doc = DirectoryDocument.decode(j.directoryDocument());
            if (!doc.zone().equals(zone.zone())) {
                throw new JoinException(DirectoryStatus.BAD_SIGNATURE, "the document is of zone " + doc.zone());
            }
            List<MixDescriptor> valid = doc.verify(root, clock);
            ClientCertificate certificate = ClientCertificate.decode(j.clientCertificate());
            certificate.verify(zone, clock);
            MixDescriptor mix = MixDescriptor.decode(j.mixDescriptor());
            List<MixDescriptor> zoneMixes = new ArrayList<>();
            boolean listed = false;
            for (MixDescriptor d : valid) {
                if (d.zone().equals(zone.zone())) {
                    zoneMixes.add(d);
                    listed |= d.mixKey().equals(mix.mixKey());
                }
            }
            if (!listed) {
                throw new JoinException(DirectoryStatus.BAD_SIGNATURE, "the Mix " + mix.mixKey()
                        + " the directory sent us to is not a valid Mix of its document");
            }
            return new Joined(certificate, mix, List.copyOf(zoneMixes), doc);
        } catch (DirectoryProtocolException e) {
            throw new JoinException(e.status(), "bad JOIN answer: " + e.getMessage());
        } catch (CertificateException e) {
            throw new JoinException(DirectoryStatus.BAD_SIGNATURE, "bad JOIN answer: " + e.getMessage());
        }
    }
}
