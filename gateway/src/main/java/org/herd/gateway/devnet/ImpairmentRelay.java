package org.herd.gateway.devnet;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A user-space UDP relay that stands between the nodes of a link on loopback and emulates a
 * network path: a one-way delay and a loss rate per direction (the kernel here has no
 * {@code netem}). It is also the wire observer of the system tests: it records the time and
 * size of every datagram it passes, per direction, the way a global passive adversary would.
 *
 * <p>Nodes that should talk "through the network" are pointed at {@link #address()} instead of
 * the real target; for each distinct source the relay opens a socket of its own towards the
 * target, so the target sees one peer per source, as it would without the relay.
 */
public final class ImpairmentRelay implements Closeable {

    /** Direction of a datagram through the relay. */
    public enum Direction {
        /** From a source to the target. */
        FORWARD,
        /** From the target back to a source. */
        BACKWARD
    }

    /** One observed datagram: when the relay received it, its direction and size. */
    public record Observation(long nanoTime, Direction direction, int size, SocketAddress source) {
    }

    private final DatagramChannel front;
    private final InetSocketAddress target;
    private volatile long delayNanos;
    private volatile double lossRate;
    /** When the last delayed datagram is due (guarded by {@code random}): a lowered delay never reorders. */
    private long lastDue;
    private final SplittableRandom random;
    private final ScheduledThreadPoolExecutor delayer;
    private final Map<SocketAddress, DatagramChannel> backs = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    /**
     * Observations in growable primitive arrays (guarded by {@code lock}): the relay allocates
     * nothing per datagram while it records, so the observer's own garbage collection does not
     * shift the times it writes down.
     */
    private final Object lock = new Object();
    private long[] times = new long[1 << 16];
    private int[] sizes = new int[1 << 16];
    private boolean[] backward = new boolean[1 << 16];
    private SocketAddress[] sources = new SocketAddress[1 << 16];
    private int count;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private volatile boolean recording = true;
    private volatile boolean blackhole;
    private volatile boolean closed;

    private ImpairmentRelay(InetSocketAddress listen, InetSocketAddress target, long delayNanos,
                            double lossRate, long seed) throws IOException {
        if (delayNanos < 0 || lossRate < 0 || lossRate >= 1) {
            throw new IllegalArgumentException("delay must be >= 0 and loss in [0, 1)");
        }
        this.target = target;
        this.delayNanos = delayNanos;
        this.lossRate = lossRate;
        this.random = new SplittableRandom(seed);
        this.front = DatagramChannel.open(listen.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        front.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        front.bind(listen);
        this.delayer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "relay-delay");
            t.setDaemon(true);
            return t;
        });
        start("relay-front", () -> pump(front, null));
    }

    /**
     * Starts a relay listening on {@code listen} (port 0 picks one) that forwards to
     * {@code target} with the given one-way delay (each direction) and loss rate (each
     * direction, drawn from a generator seeded with {@code seed}).
     */
    public static ImpairmentRelay start(InetSocketAddress listen, InetSocketAddress target,
                                       long delay, TimeUnit unit, double lossRate, long seed) throws IOException {
        return new ImpairmentRelay(listen, target, unit.toNanos(delay), lossRate, seed);
    }

    /** The address sources should send to. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Datagrams passed on so far (both directions). */
    public long forwarded() {
        return forwarded.get();
    }

    /** Datagrams dropped so far, by the loss rate or while {@link #blackhole(boolean) blackholed}. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Changes the one-way delay (each direction) from now on, e.g. to impair one link for a while
     * in the middle of a run. Datagrams keep their order: after a lowered delay, a datagram is not
     * sent before one that arrived earlier.
     */
    public void delay(long delay, TimeUnit unit) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0");
        }
        this.delayNanos = unit.toNanos(delay);
    }

    /** Changes the loss rate (each direction, in [0, 1)) from now on. */
    public void loss(double rate) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("loss must be in [0, 1)");
        }
        this.lossRate = rate;
    }

    /** Datagrams passed on later than they arrived so far (by the delay, or to keep order after it was lowered). */
    public long delayed() {
        return delayed.get();
    }

    /** While true, every datagram is dropped (emulates a cut link or an active dropping attack). */
    public void blackhole(boolean on) {
        this.blackhole = on;
    }

    /** Turns the recording of observations on or off (on by default). */
    public void recording(boolean on) {
        this.recording = on;
    }

    /** A copy of the observations so far, in arrival order. */
    public List<Observation> observations() {
        synchronized (lock) {
            List<Observation> copy = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                copy.add(new Observation(times[i], backward[i] ? Direction.BACKWARD : Direction.FORWARD, sizes[i], sources[i]));
            }
            return copy;
        }
    }

    /** Forgets the observations so far. */
    public void clearObservations() {
        synchronized (lock) {
            java.util.Arrays.fill(sources, 0, count, null);
            count = 0;
        }
    }

    private void record(long now, Direction direction, int size, SocketAddress source) {
        synchronized (lock) {
            if (count == times.length) {
                int n = count * 2;
                times = java.util.Arrays.copyOf(times, n);
                sizes = java.util.Arrays.copyOf(sizes, n);
                backward = java.util.Arrays.copyOf(backward, n);
                sources = java.util.Arrays.copyOf(sources, n);
            }
            times[count] = now;
            sizes[count] = size;
            backward[count] = direction == Direction.BACKWARD;
            sources[count] = source;
            count++;
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Receives on {@code in}; {@code source} is null for the front socket, else the source a back socket serves. */
    private void pump(DatagramChannel in, SocketAddress source) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        while (!closed) {
            try {
                buffer.clear();
                SocketAddress from = in.receive(buffer);
                long now = System.nanoTime();
                buffer.flip();
                if (source == null) {
                    handle(now, Direction.FORWARD, buffer, from, backFor(from), target);
                } else {
                    handle(now, Direction.BACKWARD, buffer, source, front, source);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    dropped.incrementAndGet();
                }
            }
        }
    }

    private DatagramChannel backFor(SocketAddress source) throws IOException {
        DatagramChannel existing = backs.get(source);
        if (existing != null) {
            return existing;
        }
        synchronized (backs) {
            existing = backs.get(source);
            if (existing != null) {
                return existing;
            }
            DatagramChannel back = DatagramChannel.open(target.getAddress() instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            back.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            back.bind(new InetSocketAddress(target.getAddress(), 0));
            backs.put(source, back);
            start("relay-back-" + source, () -> pump(back, source));
            return back;
        }
    }

    private void handle(long now, Direction direction, ByteBuffer datagram, SocketAddress source,
                        DatagramChannel out, SocketAddress to) {
        if (recording) {
            record(now, direction, datagram.remaining(), source);
        }
        boolean lose;
        long due;
        synchronized (random) {
            double loss = lossRate;
            lose = loss > 0 && random.nextDouble() < loss;
            due = lose || blackhole ? now : Math.max(now + delayNanos, lastDue);
            if (due != now) {
                lastDue = due; // only delayed datagrams order later ones
            }
        }
        if (blackhole || lose) {
            dropped.incrementAndGet();
            return;
        }
        if (due == now) {
            send(out, datagram, to);   // straight from the receive buffer: nothing allocated
        } else {
            ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).put(datagram).flip();
            delayed.incrementAndGet();
            delayer.schedule(() -> send(out, copy, to), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    private void send(DatagramChannel out, ByteBuffer datagram, SocketAddress to) {
        try {
            out.send(datagram, to);
            forwarded.incrementAndGet();
        } catch (IOException e) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        delayer.shutdownNow();
        front.close();
        for (DatagramChannel back : backs.values()) {
            back.close();
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
