package org.herd.bench.jmh;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.CellOutlet;
import org.herd.core.circuit.Circuit;
import org.herd.core.circuit.DirectoryEndpoint;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.OnionLayers;
import org.herd.core.crypto.OnionRelay;
import org.herd.core.crypto.e2e.FrameSealer;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.RelayCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-cell cost of the circuit layer against the onion layer it wraps, in the same run: an
 * interior Mix relaying a forward cell ({@code Mix.onCell}: table lookup, layer, circuit id,
 * outlet) versus the bare {@code OnionRelay.processForward} of the same cell; and sealing plus
 * opening one 160-byte voice frame end to end. Every operation first copies the captured cell
 * (the {@link #baselineCopy} cost is in all of them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CircuitBenchmark {

    private final byte[] captured = new byte[Cell.SIZE];
    private final byte[] buffer = new byte[Cell.SIZE];
    private final byte[] sink = new byte[Cell.SIZE];
    private final byte[] frame = new byte[160];
    private final byte[] sealed = new byte[212];
    private Mix interior;
    private OnionRelay bareLayer;
    private FrameSealer caller;
    private FrameSealer callee;
    private CellOutlet interiorOut;
    private Circuit circuit;

    /** Builds client → B → C with real handshakes and captures one forward DATA cell as it reaches B. */
    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(42);
        IdentityKeyPair kb = IdentityKeyPair.generate(random);
        IdentityKeyPair kc = IdentityKeyPair.generate(random);
        IdentityKeyPair kClient = IdentityKeyPair.generate(random);
        OnionKeyPair ob = OnionKeyPair.generate(random);
        OnionKeyPair oc = OnionKeyPair.generate(random);
        Mix[] mixes = new Mix[2];
        DirectoryEndpoint none = new DirectoryEndpoint() {
            @Override
            public void register(long id, IdentityPublicKey r, ControlMessages.Register m) {
            }

            @Override
            public void lookup(long id, ControlMessages.Lookup m) {
            }
        };
        // Peer handles: at B, 0 = client and 1 = C; at C, 0 = B.
        interiorOut = (p, b, o) -> {
            byte[] copy = Arrays.copyOfRange(b, o, o + Cell.SIZE);
            if (p == 1) {
                mixes[1].onCell(0, copy, 0);
            } else {
                toClient(copy);
            }
        };
        mixes[0] = new Mix(kb.publicKey(), List.of(ob), (p, b, o) -> interiorOut.send(p, b, o), SystemClock.INSTANCE,
                random, none, new Mix.Config(0, TimeUnit.SECONDS.toNanos(5), 8, TimeUnit.SECONDS.toNanos(5)));
        mixes[1] = new Mix(kc.publicKey(), List.of(oc), (p, b, o) -> mixes[0].onCell(1,
                Arrays.copyOfRange(b, o, o + Cell.SIZE), 0), SystemClock.INSTANCE, random, none, Mix.Config.defaults());
        mixes[0].linkUp(0, kClient.publicKey());
        mixes[0].linkUp(1, kc.publicKey());
        mixes[1].linkUp(0, kb.publicKey());
        interior = mixes[0];
        boolean[] capture = {false};
        circuit = new Circuit((p, b, o) -> {
            if (capture[0]) {
                System.arraycopy(b, o, captured, 0, Cell.SIZE);
            } else {
                interior.onCell(0, Arrays.copyOfRange(b, o, o + Cell.SIZE), 0);
            }
        }, 0, 0x1234, List.of(new MixRef(kb.publicKey(), ob.publicKey(), "z"),
                new MixRef(kc.publicKey(), oc.publicKey(), "z")), random, TimeUnit.SECONDS.toNanos(5));
        circuit.start(0);
        if (circuit.state() != Circuit.State.OPEN) {
            throw new IllegalStateException("circuit not built: " + circuit.state() + " " + circuit.failure());
        }
        capture[0] = true;
        byte[] cell = new byte[Cell.SIZE];
        CellCodec.writeRelay(cell, 0, RelayCommand.DATA, 1, new byte[180], 0, 180);
        circuit.sendRelay(cell, 0, 1);
        interiorOut = (p, b, o) -> System.arraycopy(b, o, sink, 0, Cell.SIZE);
        bareLayer = OnionLayers.relay(org.herd.core.crypto.HopKeys.fromKeyMaterial(new byte[128]));
        byte[] keys = new byte[FrameSealer.KEY_MATERIAL_SIZE];
        random.nextBytes(keys);
        caller = FrameSealer.caller(keys);
        callee = FrameSealer.callee(keys);
    }

    private void toClient(byte[] cell) {
        switch (cell[Cell.COMMAND_OFFSET]) {
            case CellCommand.CREATED -> circuit.onCreated(cell, 0, 0);
            case CellCommand.RELAY -> {
                int hop = circuit.decryptBackward(cell, 0);
                int len = CellCodec.relayDataLength(cell, 0);
                int data = 21 + 23 + 4; // body, relay data, fragment header
                circuit.onExtended(hop, Arrays.copyOfRange(cell, data, data + len - 4), 0);
            }
            default -> throw new IllegalStateException("unexpected cell " + Bytes.getInt(cell, 0));
        }
    }

    /** Baseline: copy one cell. */
    @Benchmark
    public byte[] baselineCopy() {
        System.arraycopy(captured, 0, buffer, 0, Cell.SIZE);
        return buffer;
    }

    /** The onion layer alone: remove one hop's layer from a forward cell (not recognised). */
    @Benchmark
    public Object onionLayerOnly() {
        System.arraycopy(captured, 0, buffer, 0, Cell.SIZE);
        return bareLayer.processForward(buffer, 0, false);
    }

    /** An interior Mix relays the cell: lookup, layer, new circuit id, outlet copy. */
    @Benchmark
    public byte[] interiorMixRelay() {
        System.arraycopy(captured, 0, buffer, 0, Cell.SIZE);
        interior.onCell(0, buffer, 0);
        return sink;
    }

    /** Seal a 160-byte frame at one end and open it at the other. */
    @Benchmark
    public byte[] sealAndOpenFrame() {
        caller.seal(frame, 0, 160, sealed, 0);
        callee.open(sealed, 0, 180, buffer, 0);
        return buffer;
    }
}
