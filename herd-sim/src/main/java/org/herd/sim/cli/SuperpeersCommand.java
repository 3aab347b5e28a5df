package org.herd.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.herd.sim.report.Charts;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.herd.sim.superpeer.SuperpeerReplay;
import org.herd.sim.superpeer.Topology;
import org.herd.sim.trace.TraceReader;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd sim superpeers}: §4.1.6 blocking rate and mix savings, replaying the trace through
 * the production {@link org.herd.core.channel.ChannelAllocator}. Several values of k and of
 * clients per channel are replayed in the same pass over the trace.
 */
@Command(name = "superpeers", mixinStandardHelpOptions = true,
        description = "Blocking rate and mix savings of superpeer channels (§4.1.6).")
final class SuperpeersCommand extends SimSubcommand {

    /** Blocking rates of 0 are drawn at this floor on the log axis. */
    private static final double LOG_FLOOR = 1e-6;

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Binary trace.")
    Path trace;

    @Option(names = "--sps-per-mix", defaultValue = "100", description = "SPs per mix. Default ${DEFAULT-VALUE}.")
    int spsPerMix;

    @Option(names = "--clients-per-sp", defaultValue = "100", description = "Clients per SP. Default ${DEFAULT-VALUE}.")
    int clientsPerSp;

    @Option(names = "--clients-per-channel", split = ",", defaultValue = "5,10,20,50",
            description = "Clients per channel N/C, one or a list. Default ${DEFAULT-VALUE}.")
    int[] clientsPerChannel;

    @Option(names = "--channels-per-client", split = ",", defaultValue = "2,3",
            description = "Channels per client k, one or a list. Default ${DEFAULT-VALUE}.")
    int[] channelsPerClient;

    @Option(names = "--channel-count", defaultValue = "ATTACHED",
            description = "Reading of clients per channel: ATTACHED (C = k*N/cpc, literal) or RATIO (C = N/cpc). "
                    + "Default ${DEFAULT-VALUE}.")
    Topology.ChannelCount channelCount;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of joins and rankings. Default ${DEFAULT-VALUE}.")
    long seed;

    @Override
    String csvName() {
        return "superpeers";
    }

    @Override
    Json run() throws IOException {
        List<SuperpeerReplay> replays = new ArrayList<>();
        long calls;
        try (TraceReader r = new TraceReader(trace)) {
            int i = 0;
            for (int k : channelsPerClient) {
                for (int c : clientsPerChannel) {
                    replays.add(new SuperpeerReplay(new Topology(spsPerMix, clientsPerSp, c, k, channelCount), r.users(), seed + i++));
                }
            }
            SuperpeerReplay[] all = replays.toArray(new SuperpeerReplay[0]);
            var progress = progress("superpeers", r.calls());
            long n = 0;
            while (r.next()) {
                long s = r.start();
                long e = r.end();
                int a = r.caller();
                int b = r.callee();
                for (SuperpeerReplay sp : all) {
                    sp.call(s, e, a, b);
                }
                if ((++n & 0xFFFF) == 0) {
                    progress.update(r.recordsRead());
                }
            }
            progress.finish(r.recordsRead());
            calls = n;
            if (r.badRecords() > 0) {
                err().println(trace + ": " + r.badRecords() + " malformed records skipped (first at record "
                        + r.firstBadRecord() + ")");
            }
        }
        Table t = new Table("channels_per_client", "clients_per_channel", "mixes", "channels_per_mix",
                "calls", "blocked", "blocking_rate", "mix_savings", "peak_calls");
        List<Object> configs = new ArrayList<>();
        for (SuperpeerReplay sp : replays) {
            Topology tp = sp.topology();
            t.row(tp.channelsPerClient(), tp.clientsPerChannel(), sp.mixes(), tp.channelsPerMix(), sp.calls(),
                    sp.blocked(), sp.blockingRate(), tp.mixSavings(), sp.peakActiveCalls());
            configs.add(new Json().put("channels_per_client", tp.channelsPerClient())
                    .put("clients_per_channel", tp.clientsPerChannel()).put("blocking_rate", sp.blockingRate())
                    .put("mix_savings", tp.mixSavings()));
        }
        out().printf("seed %d; %d SPs per mix, %d clients per SP, channel count %s; paper: k=2 blocks 5 %% -> 0.1 %% at 50 -> 5 "
                + "clients per channel, k=3 an order of magnitude less; savings 80-98 %%%n", seed, spsPerMix, clientsPerSp,
                channelCount);
        emit("herd sim superpeers", t, null);
        if (output.plot != null) {
            plot(replays);
        }
        SuperpeerReplay first = replays.get(0);
        return summary(calls).put("blocking_rate", first.blockingRate())
                .put("mix_savings", first.topology().mixSavings()).put("seed", seed)
                .put("channel_count", channelCount.toString()).put("configs", configs);
    }

    private void plot(List<SuperpeerReplay> replays) throws IOException {
        XYChart b = Charts.xy("Call blocking with superpeers", "clients per channel", "blocking rate");
        b.getStyler().setYAxisLogarithmic(true);
        b.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYChart s = Charts.xy("Mix savings with superpeers", "clients per channel", "% of mix client streams saved");
        s.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        for (int k : channelsPerClient) {
            List<double[]> pts = new ArrayList<>();
            for (SuperpeerReplay sp : replays) {
                if (sp.topology().channelsPerClient() == k) {
                    pts.add(new double[] {sp.topology().clientsPerChannel(), Math.max(LOG_FLOOR, sp.blockingRate()),
                            100 * sp.topology().mixSavings()});
                }
            }
            pts.sort((x, y) -> Double.compare(x[0], y[0]));
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            b.addSeries("k = " + k, x, pts.stream().mapToDouble(p -> p[1]).toArray());
            if (k == channelsPerClient[0]) {
                s.addSeries("simulated (1 - C/N)", x, pts.stream().mapToDouble(p -> p[2]).toArray());
            }
        }
        b.addSeries("paper k=2 (5 %, 0.1 %)", new double[] {5, 50}, new double[] {0.001, 0.05});
        s.addSeries("paper (80 %, 98 %)", new double[] {5, 50}, new double[] {80, 98});
        Charts.save(b, output.plot, "superpeers-blocking");
        Charts.save(s, output.plot, "superpeers-savings");
    }
}
