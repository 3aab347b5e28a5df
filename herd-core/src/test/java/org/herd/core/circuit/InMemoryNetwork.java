package org.herd.core.circuit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.herd.core.wire.Cell;

/**
 * Test fixture: nodes wired back to back in memory. Each node's {@link CellOutlet} copies the cell
 * into a queue; {@link #run()} delivers queued cells (and posted tasks, e.g. directory replies) in
 * order until nothing is left. The peer handle a node sees for a link is the other node's index.
 * An {@link #impairment} may drop, alter, duplicate or hold back cells; taps see every cell as sent.
 */
public final class InMemoryNetwork {

    /** A node's receive side. */
    @FunctionalInterface
    public interface Node {
        /** One cell from the node with index {@code peer}. */
        void onCell(int peer, byte[] buffer, int offset);
    }

    /** A cell on its way from node {@code from} to node {@code to}. */
    public record Transit(int from, int to, byte[] cell) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Set<Long> links = new HashSet<>();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final List<Consumer<Transit>> taps = new ArrayList<>();
    /** Maps a cell about to be delivered to the cells to deliver instead (default: itself). */
    public Function<Transit, List<Transit>> impairment = List::of;
    private long delivered;

    /** Adds a node; returns its index (the peer handle others use for it). */
    public int add(String name, Node node) {
        nodes.add(node);
        names.add(name);
        return nodes.size() - 1;
    }

    /** Replaces the node at {@code index} (to add a node before its handler exists). */
    public void set(int index, Node node) {
        nodes.set(index, node);
    }

    /** A placeholder index for a node created later with {@link #set}. */
    public int reserve(String name) {
        return add(name, (p, b, o) -> {
            throw new IllegalStateException(name + " has no handler yet");
        });
    }

    /** Links two nodes. */
    public void link(int a, int b) {
        links.add(key(a, b));
        links.add(key(b, a));
    }

    private static long key(int a, int b) {
        return (long) a << 32 | b;
    }

    /** The outlet of node {@code from}. */
    public CellOutlet outlet(int from) {
        return (peer, buffer, offset) -> {
            if (!links.contains(key(from, peer))) {
                throw new IllegalStateException(names.get(from) + " has no link to " + peer);
            }
            Transit t = new Transit(from, peer, Arrays.copyOfRange(buffer, offset, offset + Cell.SIZE));
            for (Consumer<Transit> tap : taps) {
                tap.accept(new Transit(from, peer, t.cell().clone())); // receivers work in place
            }
            queue.add(t);
        };
    }

    /** Sees every cell as it is sent (a copy). */
    public void tap(Consumer<Transit> tap) {
        taps.add(tap);
    }

    /** Runs {@code task} after the cells queued so far (e.g. a directory reply). */
    public void post(Runnable task) {
        queue.add(task);
    }

    /** Delivers until the queue is empty; returns cells delivered. */
    public long run() {
        long before = delivered;
        int guard = 0;
        while (!queue.isEmpty()) {
            if (++guard > 5_000_000) {
                throw new IllegalStateException("the network does not settle");
            }
            Object o = queue.poll();
            if (o instanceof Runnable r) {
                r.run();
                continue;
            }
            for (Transit t : impairment.apply((Transit) o)) {
                delivered++;
                nodes.get(t.to()).onCell(t.from(), t.cell(), 0);
            }
        }
        return delivered - before;
    }

    /** Queues a raw cell from {@code from} to {@code to} (an attacker's injection). */
    public void inject(int from, int to, byte[] cell) {
        queue.add(new Transit(from, to, cell.clone()));
    }

    /** The name of node {@code i}. */
    public String name(int i) {
        return names.get(i);
    }
}
