package org.herd.sim.superpeer;

/**
 * A zone's superpeer topology (§4.1.6 of the Herd paper: 100 SPs per mix, 100 clients per SP,
 * 5–50 clients per channel, k = 2 or 3).
 *
 * <p>"Clients per channel" is the ratio of a mix's clients to its channels, N/C: a mix with
 * N = spsPerMix × clientsPerSp clients has C = ⌈N / clientsPerChannel⌉ channels. Each client
 * attaches to k channels, so a channel carries about k·N/C client attachments. The mix handles
 * one stream per channel instead of one per client, hence a mix saving of 1 − C/N; this reading
 * reproduces the paper's 80 % and 98 % savings at 5 and 50 clients per channel.
 *
 * @param spsPerMix         superpeers per mix
 * @param clientsPerSp      clients per superpeer
 * @param clientsPerChannel N/C
 * @param channelsPerClient k
 */
public record Topology(int spsPerMix, int clientsPerSp, int clientsPerChannel, int channelsPerClient) {

    /** Validates the topology once. */
    public Topology {
        if (spsPerMix < 1 || clientsPerSp < 1 || clientsPerChannel < 1 || channelsPerClient < 1) {
            throw new IllegalArgumentException("topology values must be >= 1: " + this);
        }
        if (channelsPerMix(spsPerMix, clientsPerSp, clientsPerChannel) < channelsPerClient) {
            throw new IllegalArgumentException("fewer channels per mix than channels per client: " + this);
        }
    }

    private static int channelsPerMix(int sps, int perSp, int perChannel) {
        long n = (long) sps * perSp;
        return (int) ((n + perChannel - 1) / perChannel);
    }

    /** Clients per mix N. */
    public int clientsPerMix() {
        return spsPerMix * clientsPerSp;
    }

    /** Channels per mix C. */
    public int channelsPerMix() {
        return channelsPerMix(spsPerMix, clientsPerSp, clientsPerChannel);
    }

    /** Fraction of client-side mix streams saved: 1 − C/N. */
    public double mixSavings() {
        return 1.0 - (double) channelsPerMix() / clientsPerMix();
    }

    /** Mixes needed for {@code users} clients. */
    public int mixesFor(int users) {
        return (int) (((long) users + clientsPerMix() - 1) / clientsPerMix());
    }
}
