package org.herd.core.link;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/** A UDP socket on loopback that never answers; tests read what it was sent. */
final class SilentPeer implements AutoCloseable {

    private final DatagramSocket socket;

    SilentPeer(String host) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(host, 0));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    DatagramSocket socket() {
        return socket;
    }

    /** The next datagram within {@code millis}, or null. */
    byte[] receive(int millis) throws IOException {
        socket.setSoTimeout(millis);
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(buf, p.getLength());
    }

    void send(byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    @Override
    public void close() {
        socket.close();
    }
}
