package org.herd.core.circuit;

/**
 * Test fixture: a crafted control message sent backward on a circuit by the Mix that holds it, with
 * that Mix's real onion layer (fragments, recognized, MAC, fresh nonce) — what a Mix that lies, or
 * a message that arrives late, looks like to the client. Uses the same fragment writer as the Mix.
 */
public final class ControlInjector {

    private static int nextMessageId = 0x7A00;

    private ControlInjector() {
    }

    /**
     * Sends {@code message} as relay command {@code relayCommand} towards the client on the circuit
     * whose entry at the Mix is {@code e}, through {@code mixOutlet} (the Mix's outlet).
     */
    public static void sendBackward(CircuitTable.Entry e, int relayCommand, byte[] message, CellOutlet mixOutlet) {
        long prev = e.prev();
        ControlWriter.write(new byte[org.herd.core.wire.Cell.SIZE], LinkCircuit.circuitId(prev), relayCommand,
                nextMessageId++ & 0xFFFF, message, (b, o) -> {
                    e.relay().originateBackward(b, o);
                    mixOutlet.send(LinkCircuit.peer(prev), b, o);
                });
    }
}
