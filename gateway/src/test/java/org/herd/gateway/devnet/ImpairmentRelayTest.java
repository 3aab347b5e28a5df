package org.herd.gateway.devnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ImpairmentRelayTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void relaysBothWaysWithTheConfiguredDelayAndRecordsWhatItSees() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             ImpairmentRelay relay = ImpairmentRelay.start(new InetSocketAddress(LOOPBACK, 0),
                     (InetSocketAddress) server.getLocalSocketAddress(), 30, TimeUnit.MILLISECONDS, 0, 1)) {
            server.setSoTimeout(5000);
            client.setSoTimeout(5000);
            byte[] ping = {1, 2, 3, 4, 5};
            long sent = System.nanoTime();
            client.send(new DatagramPacket(ping, ping.length, relay.address()));
            DatagramPacket atServer = new DatagramPacket(new byte[100], 100);
            server.receive(atServer);
            long oneWay = System.nanoTime() - sent;
            assertArrayEquals(ping, java.util.Arrays.copyOf(atServer.getData(), atServer.getLength()));
            assertTrue(oneWay >= TimeUnit.MILLISECONDS.toNanos(30), "forwarded after only " + oneWay + " ns");

            byte[] pong = {9, 8, 7};
            server.send(new DatagramPacket(pong, pong.length, atServer.getSocketAddress()));
            DatagramPacket atClient = new DatagramPacket(new byte[100], 100);
            client.receive(atClient);
            assertArrayEquals(pong, java.util.Arrays.copyOf(atClient.getData(), atClient.getLength()));
            assertEquals(relay.address(), atClient.getSocketAddress(), "replies come back from the relay");

            var seen = relay.observations();
            assertEquals(2, seen.size());
            assertEquals(ImpairmentRelay.Direction.FORWARD, seen.get(0).direction());
            assertEquals(5, seen.get(0).size());
            assertEquals(ImpairmentRelay.Direction.BACKWARD, seen.get(1).direction());
            assertEquals(3, seen.get(1).size());
        }
    }

    @Test
    void dropsAboutTheConfiguredFractionAndEverythingWhenBlackholed() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ImpairmentRelayTest seed=" + seed);
        int n = 2000;
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             ImpairmentRelay relay = ImpairmentRelay.start(new InetSocketAddress(LOOPBACK, 0),
                     (InetSocketAddress) server.getLocalSocketAddress(), 0, TimeUnit.MILLISECONDS, 0.2, seed)) {
            server.setReceiveBufferSize(1 << 20);
            byte[] payload = new byte[64];
            for (int i = 0; i < n; i++) {
                client.send(new DatagramPacket(payload, payload.length, relay.address()));
                if (i % 100 == 99) {
                    awaitSeen(relay, i + 1);
                }
            }
            awaitSeen(relay, n);
            long dropped = relay.dropped();
            // Binomial(2000, 0.2): mean 400, sd ~17.9; 6 sd either side.
            assertTrue(dropped > 292 && dropped < 508, "dropped " + dropped + " of " + n);

            relay.blackhole(true);
            long before = relay.dropped();
            for (int i = 0; i < 50; i++) {
                client.send(new DatagramPacket(payload, payload.length, relay.address()));
            }
            awaitSeen(relay, n + 50);
            assertEquals(before + 50, relay.dropped());
        }
    }

    private static void awaitSeen(ImpairmentRelay relay, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (relay.observations().size() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("relay saw only " + relay.observations().size() + " of " + count);
            }
            Thread.sleep(1);
        }
    }
}
