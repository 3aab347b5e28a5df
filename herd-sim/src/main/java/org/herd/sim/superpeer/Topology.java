package org.herd.sim.superpeer;

/**
 * A zone's superpeer topology (§4.1.6 of the Herd paper: 100 SPs per mix, 100 clients per SP,
 * 5–50 clients per channel, k = 2 or 3).
 *
 * <p>The paper does not define "clients per channel" precisely; two readings are supported.
 * {@link ChannelCount#ATTACHED} (literal): a channel has that many clients attached, so a mix
 * with N = spsPerMix × clientsPerSp clients, each on k channels, has C = ⌈k·N / clientsPerChannel⌉
 * channels. {@link ChannelCount#RATIO}: clients per channel is N/C, so C = ⌈N / clientsPerChannel⌉
 * whatever k. The mix handles one stream per channel instead of one per client, so the mix saving
 * is 1 − C/N in both; only the RATIO reading gives the paper's 80 % and 98 % at 5 and 50.
 *
 * @param spsPerMix         superpeers per mix
 * @param clientsPerSp      clients per superpeer
 * @param clientsPerChannel clients attached to a channel (ATTACHED) or N/C (RATIO)
 * @param channelsPerClient k
 * @param count             which reading of clients per channel
 */
public record Topology(int spsPerMix, int clientsPerSp, int clientsPerChannel, int channelsPerClient,
        ChannelCount count) {

    /** How clients per channel turns into channels per mix. */
    public enum ChannelCount {
        /** C = ⌈k·N / clients per channel⌉: each channel has that many clients attached. */
        ATTACHED,
        /** C = ⌈N / clients per channel⌉: clients per channel is the ratio N/C. */
        RATIO
    }

    /** The literal reading, {@link ChannelCount#ATTACHED}. */
    public Topology(int spsPerMix, int clientsPerSp, int clientsPerChannel, int channelsPerClient) {
        this(spsPerMix, clientsPerSp, clientsPerChannel, channelsPerClient, ChannelCount.ATTACHED);
    }

    /** Validates the topology once. */
    public Topology {
        if (spsPerMix < 1 || clientsPerSp < 1 || clientsPerChannel < 1 || channelsPerClient < 1) {
            throw new IllegalArgumentException("topology values must be >= 1: " + this);
        }
        if (count == null) {
            throw new IllegalArgumentException("channel count reading missing");
        }
        if (channelsPerMix(spsPerMix, clientsPerSp, clientsPerChannel, channelsPerClient, count) < channelsPerClient) {
            throw new IllegalArgumentException("fewer channels per mix than channels per client: " + this);
        }
    }

    private static int channelsPerMix(int sps, int perSp, int perChannel, int k, ChannelCount count) {
        long attachments = (long) sps * perSp * (count == ChannelCount.ATTACHED ? k : 1);
        return (int) ((attachments + perChannel - 1) / perChannel);
    }

    /** Clients per mix N. */
    public int clientsPerMix() {
        return spsPerMix * clientsPerSp;
    }

    /** Channels per mix C. */
    public int channelsPerMix() {
        return channelsPerMix(spsPerMix, clientsPerSp, clientsPerChannel, channelsPerClient, count);
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
