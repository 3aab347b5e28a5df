package org.herd.core.link;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.Cell;

/** Real endpoints on loopback for tests; closes everything it opened. */
final class LinkFixture implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 10;

    /** A received cell (copied out of the endpoint's buffer) and the link it came on. */
    record Received(Link link, byte[] cell) {
    }

    /** One node: identity, endpoint, received cells and link events. */
    static final class Node {
        final IdentityKeyPair identity;
        final LinkEndpoint endpoint;
        final BlockingQueue<Received> cells = new LinkedBlockingQueue<>();
        final BlockingQueue<Link> up = new LinkedBlockingQueue<>();
        final BlockingQueue<LinkFailureReason> failures = new LinkedBlockingQueue<>();
        final BlockingQueue<LinkFailureReason> downs = new LinkedBlockingQueue<>();

        Node(IdentityKeyPair identity, LinkConfig config, InetSocketAddress bind, Predicate<IdentityPublicKey> policy,
                LinkReactor reactor) throws LinkException {
            this.identity = identity;
            this.endpoint = LinkEndpoint.bind(config, identity, bind, policy, new LinkListener() {
                @Override
                public void onLinkUp(Link link) {
                    up.add(link);
                }

                @Override
                public void onLinkDown(Link link, LinkFailureReason reason) {
                    downs.add(reason);
                }

                @Override
                public void onHandshakeFailed(InetSocketAddress remote, LinkFailureReason reason, Throwable cause) {
                    failures.add(reason);
                }
            }, (link, buf, off) -> cells.add(new Received(link, java.util.Arrays.copyOfRange(buf, off, off + Cell.SIZE))),
                    reactor);
        }

        InetSocketAddress address() {
            return endpoint.localAddress();
        }

        IdentityPublicKey key() {
            return identity.publicKey();
        }

        Received nextCell() throws InterruptedException {
            Received r = cells.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no cell within " + TIMEOUT_SECONDS + " s; counters " + endpoint.counters());
            }
            return r;
        }

        /** Transmits on the link's event loop and waits for the result. */
        boolean transmit(Link link, byte[] cell) throws Exception {
            return link.eventLoop().submit(() -> link.transmit(cell, 0)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    final long seed;
    final SecureRandom random;
    private final List<AutoCloseable> open = new ArrayList<>();

    LinkFixture() {
        this.seed = System.nanoTime();
        System.out.println("LinkFixture seed " + seed);
        this.random = sha1prng(seed);
    }

    static SecureRandom sha1prng(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    IdentityKeyPair newIdentity() {
        return IdentityKeyPair.generate(random);
    }

    Node node(LinkConfig config, String host, Predicate<IdentityPublicKey> policy) throws LinkException {
        return node(newIdentity(), config, host, policy);
    }

    Node node(IdentityKeyPair identity, LinkConfig config, String host, Predicate<IdentityPublicKey> policy)
            throws LinkException {
        return node(identity, config, host, policy, null);
    }

    Node node(IdentityKeyPair identity, LinkConfig config, String host, Predicate<IdentityPublicKey> policy,
            LinkReactor reactor) throws LinkException {
        Node n = new Node(identity, config, new InetSocketAddress(host, 0), policy, reactor);
        open.add(n.endpoint);
        return n;
    }

    <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    static Link await(CompletableFuture<Link> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("nothing within " + TIMEOUT_SECONDS + " s");
        }
        return t;
    }

    /** A cell whose bytes say which it is (index in the circuit id, pattern in the payload). */
    static byte[] cell(int index) {
        byte[] c = new byte[Cell.SIZE];
        new Cell().wrap(c, 0).circuitId(index);
        for (int i = Cell.PAYLOAD_OFFSET; i < Cell.SIZE; i++) {
            c[i] = (byte) (index * 31 + i);
        }
        return c;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
