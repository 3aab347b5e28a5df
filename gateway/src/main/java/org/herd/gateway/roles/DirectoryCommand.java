package org.herd.gateway.roles;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.herd.core.directory.DirectoryStoreException;
import org.herd.core.time.SystemClock;
import org.herd.gateway.config.ConfigException;
import org.herd.gateway.config.DirectoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd directory --config FILE}: runs the directory of one trust zone until SIGTERM or
 * Ctrl-C, when a shutdown hook stops the timer and the transport and closes the store.
 *
 * <p>Exit status: 0 after a clean shutdown, 2 for a configuration error (one line naming the
 * key, the value and the file), 3 for a database that must not be used (corrupt, newer schema).
 *
 * <p>Transport: DTLS links ({@link LinkDirectoryTransport}): the Mixes of every zone link here
 * (REGISTER, LOOKUP, utilisation reports; the document and certified clients are pushed to them),
 * joining clients too (JOIN, GET_DIRECTORY); the role's RATE_PROPOSALs go out through a Mix.
 */
@Command(name = "directory", mixinStandardHelpOptions = true,
        description = "Run the zone directory: join, descriptors, rendezvous registrations, link rates.")
public final class DirectoryCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "the properties file (default: /etc/herd/herd-directory.properties)")
    Path config = Path.of("/etc/herd/herd-directory.properties");

    /** Where the service's transport comes from: DTLS links to the Mixes and joining clients. */
    static java.util.function.Function<DirectoryConfig, org.herd.core.directory.DirectoryTransport> transportFactory =
            c -> LinkDirectoryTransport.of(c, SystemClock.INSTANCE);

    /** Released to stop the command (tests); the shutdown hook does the same on SIGTERM. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() {
        // The hook is registered before the role starts, so a SIGTERM that arrives as soon as the
        // role reports "started" still closes the store.
        AtomicReference<DirectoryRole> running = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            DirectoryRole r = running.get();
            if (r != null) {
                r.close();
            }
            stop.countDown();
        }, "herd-directory-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DirectoryConfig c = DirectoryConfig.load(config);
            org.herd.core.directory.DirectoryTransport transport = transportFactory.apply(c);
            running.set(DirectoryRole.start(c, transport, SystemClock.INSTANCE, peer -> {
                if (transport instanceof LinkDirectoryTransport links) {
                    links.propose(peer);
                } else {
                    LOG.debug("rate proposal for {} not sent: no peer transport", peer.peerZone());
                }
            }));
            stop.await();
            return 0;
        } catch (ConfigException e) {
            System.err.println("herd directory: configuration error: " + e.getMessage());
            return 2;
        } catch (DirectoryStoreException e) {
            System.err.println("herd directory: database error: " + e.getMessage());
            return e.reason() == DirectoryStoreException.Reason.BAD_CONFIG ? 2 : 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            DirectoryRole r = running.get();
            if (r != null) {
                r.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running and closes the role itself.
            }
        }
    }
}
