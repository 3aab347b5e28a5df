package org.herd.core.directory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link DirectoryStoreKillTest}: opens the store, registers client
 * {@code i} → rendezvous mix {@code i} for i = 0, 1, 2, … and prints {@code ACK i} only after
 * {@link DirectoryStore#register} has returned. It stops by itself after a deadline so that a
 * broken test can never leave it running.
 *
 * <p>Arguments: database path, key seed, deadline in seconds, first index.
 */
public final class RegistrationWriterMain {

    static final long T0 = 1_767_225_600_000L;
    static final long EXPIRY = T0 + TimeUnit.DAYS.toMillis(30);

    private RegistrationWriterMain() {
    }

    /** The registration number {@code i} of the stream seeded with {@code seed}. */
    static RendezvousRegistration registration(long seed, long i) {
        return new RendezvousRegistration(TestKeys.key(seed, i), TestKeys.key(seed + 1, i), T0 + i, EXPIRY + i);
    }

    public static void main(String[] args) {
        Path db = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        PrintStream out = System.out;
        try (DirectoryStore store = DirectoryStore.openSqlite(db, T0)) {
            out.println("OPEN");
            out.flush();
            for (long i = Long.parseLong(args[3]); System.nanoTime() - deadline < 0; i++) {
                store.register(registration(seed, i));
                out.println("ACK " + i);
                out.flush();
            }
        }
        out.println("DEADLINE");
        out.flush();
    }
}
