package org.herd.core.link;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback UDP relay between a client and a server for tests: forwards both ways, keeps a copy
 * of every client→server datagram, and can inject datagrams towards the server from the relay's
 * own address, i.e. from the address the server's link belongs to. Its thread stops on close.
 */
final class UdpRelay implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final Thread thread;
    private final List<byte[]> fromClient = new ArrayList<>();
    private final List<byte[]> fromServer = new ArrayList<>();
    private volatile SocketAddress client;
    /** Server→client datagrams this returns true for are dropped (and not forwarded); null: none. */
    private volatile java.util.function.Predicate<byte[]> dropToClient;
    private final java.util.concurrent.atomic.AtomicInteger droppedToClient = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;

    UdpRelay(String host, InetSocketAddress server) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(host, 0));
        this.socket.setSoTimeout(50);
        this.server = server;
        this.thread = new Thread(this::run, "udp-relay");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void run() {
        byte[] buf = new byte[4096];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (p.getSocketAddress().equals(server)) {
                    synchronized (fromServer) {
                        fromServer.add(data);
                    }
                    java.util.function.Predicate<byte[]> drop = dropToClient;
                    if (drop != null && drop.test(data)) {
                        droppedToClient.incrementAndGet();
                    } else if (client != null) {
                        socket.send(new DatagramPacket(data, data.length, client));
                    }
                } else {
                    client = p.getSocketAddress();
                    synchronized (fromClient) {
                        fromClient.add(data);
                    }
                    socket.send(new DatagramPacket(data, data.length, server));
                }
            } catch (SocketTimeoutException e) {
                // poll running
            } catch (IOException e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Drops the server→client datagrams {@code drop} returns true for (called on the relay thread). */
    void dropToClient(java.util.function.Predicate<byte[]> drop) {
        this.dropToClient = drop;
    }

    /** Server→client datagrams dropped so far. */
    int droppedToClient() {
        return droppedToClient.get();
    }

    /** Copies of the client→server datagrams so far. */
    List<byte[]> fromClient() {
        synchronized (fromClient) {
            return new ArrayList<>(fromClient);
        }
    }

    /** The last client→server datagram of DTLS content type {@code type}. */
    byte[] lastFromClient(int type) {
        return last(fromClient(), type);
    }

    /** The last server→client datagram (forwarded or dropped) of DTLS content type {@code type}. */
    byte[] lastFromServer(int type) {
        synchronized (fromServer) {
            return last(new ArrayList<>(fromServer), type);
        }
    }

    private static byte[] last(List<byte[]> all, int type) {
        for (int i = all.size() - 1; i >= 0; i--) {
            if ((all.get(i)[0] & 0xFF) == type) {
                return all.get(i);
            }
        }
        throw new AssertionError("no datagram of type " + type + " seen");
    }

    /** Sends {@code data} to the server from the relay's address (the link's remote address). */
    void inject(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        socket.close();
        thread.join(2000);
    }
}
