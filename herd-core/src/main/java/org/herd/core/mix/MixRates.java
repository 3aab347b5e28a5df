package org.herd.core.mix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.directory.CapacityGate;
import org.herd.core.directory.DirectoryDocument;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.LinkClass;
import org.herd.core.directory.RateScope;
import org.herd.core.directory.UtilisationReport;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.LinkSender;
import org.herd.core.sched.RateClass;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.sched.SlotTiming;
import org.herd.core.time.Clock;
import org.herd.core.circuit.Mix;

/**
 * A Mix's link rates under its zone directory (§3.1, §3.4.2, §3.4.3 of the Herd paper): one
 * {@link RateClass} per rate scope (the zone's client links, its intra-zone Mix links, the Mix
 * links to each peer zone, the directory links), the directory's announced rates applied to a
 * whole class at the tick the announcement names, utilisation measured per scope and reported,
 * and calls admitted per link against the rate in force ({@link CapacityGate}, as the circuit
 * {@link Mix}'s {@link Mix.Admission}).
 *
 * <p><b>Applying rates.</b> The zone directory's signed document lists, per scope, the rate of
 * the current epoch and of the next ones. Epoch {@code e} starts at wall-clock
 * {@code schedule.startMillis(e)}, i.e. at tick {@code startMillis / 20} (the slot schedulers
 * number ticks by wall-clock ms / 20), so every Mix of the zone schedules the change on every link
 * of the class for the same tick, never per call and never before. A rate that should already be
 * in force but is not (this Mix started or re-linked late) is applied two ticks ahead, the
 * earliest a class can change, and counted in {@link #lateChanges()}.
 *
 * <p><b>Measuring.</b> Every {@link #SAMPLE_MILLIS} the payload cells each link sent are read;
 * per scope the peak is the largest per-link payload per tick of a window (rounded), at least the
 * calls admitted on one link, at most the rate; the mean is the average over links and windows.
 * The figures of an epoch are reported to the zone directory during the epoch (each replaces the
 * last) and once more just after it ends, for the decision taken early in the next epoch.
 *
 * <p>Threading: the Mix's event loop only.
 */
final class MixRates implements Mix.Admission {

    /** Utilisation sampling period. */
    static final long SAMPLE_MILLIS = 500;

    private static final long TICK_MILLIS = SlotTiming.TICK_NANOS / 1_000_000L;

    private final String zone;
    private final IdentityKeyPair key;
    private final SlotScheduler scheduler;
    private final PacedLinks paced;
    private final Clock clock;
    private final IntFunction<RateClass> classOfPeer;
    private final java.util.function.IntSupplier clients;
    private final java.util.function.IntSupplier calls;
    final RateClass client;
    final RateClass intra;
    final RateClass directory;
    final Map<String, RateClass> inter = new HashMap<>();
    private final Map<RateClass, RateScope> scopes = new IdentityHashMap<>();
    private final Map<RateClass, Stats> stats = new IdentityHashMap<>();
    private final Map<LinkSender, Long> lastPayload = new IdentityHashMap<>();
    private final Map<Integer, CapacityGate> gates = new HashMap<>();
    private EpochSchedule schedule;
    private long statsEpoch = -1;
    private long lastTimestamp;
    private long changesScheduled;
    private long lateChanges;
    private long refusedChanges;

    private static final class Stats {
        int peak;
        double sum;
        long samples;

        void reset() {
            peak = 0;
            sum = 0;
            samples = 0;
        }
    }

    /**
     * Payload cells a Mix↔Mix link may queue at most: one tick's worth at rates up to this
     * (see {@link RateClass#queueCapacity()}); 64 KB of ring per Mix link.
     */
    static final int MIX_LINK_QUEUE = 256;

    MixRates(String zone, IdentityKeyPair key, PacedLinks paced, Clock clock, MixNode.Rates initial,
            Iterable<String> peerZones, IntFunction<RateClass> classOfPeer, java.util.function.IntSupplier clients,
            java.util.function.IntSupplier calls) {
        this.zone = Objects.requireNonNull(zone);
        this.key = Objects.requireNonNull(key);
        this.paced = paced;
        this.scheduler = paced.scheduler();
        this.clock = clock;
        this.classOfPeer = classOfPeer;
        this.clients = Objects.requireNonNull(clients);
        this.calls = Objects.requireNonNull(calls);
        client = paced.newRateClass("client", initial.client());
        intra = paced.newRateClass("intra-zone-mix", initial.intraZone(), MIX_LINK_QUEUE);
        directory = paced.newRateClass("directory", initial.directory());
        scopes.put(client, RateScope.client(zone));
        scopes.put(intra, RateScope.intraZone(zone));
        stats.put(intra, new Stats());
        for (String peer : peerZones) {
            if (!peer.equals(zone) && !inter.containsKey(peer)) {
                RateClass rc = paced.newRateClass(RateScope.interZone(zone, peer).toString(), initial.interZone(),
                        MIX_LINK_QUEUE);
                inter.put(peer, rc);
                scopes.put(rc, RateScope.interZone(zone, peer));
                stats.put(rc, new Stats());
            }
        }
    }

    /** The class of the Mix links to {@code peerZone} (or intra-zone for the own zone). */
    RateClass mixClass(String peerZone) {
        return peerZone.equals(zone) ? intra : inter.get(peerZone);
    }

    /** The class of {@code scope}, or null if this Mix has no links of it. */
    RateClass classOf(RateScope scope) {
        for (Map.Entry<RateClass, RateScope> e : scopes.entrySet()) {
            if (e.getValue().equals(scope)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The epoch schedule of the zone (from its document), or null before the first document. */
    EpochSchedule schedule() {
        return schedule;
    }

    // ---------------------------------------------------------------- applying announced rates

    /**
     * Applies the rates of the zone directory's document (already verified): for each class, the
     * first tick from now + 2 on where the announced rate differs from the class's is scheduled.
     */
    void onDocument(DirectoryDocument doc) {
        schedule = doc.schedule();
        long now = scheduler.currentTick();
        Map<RateClass, List<DirectoryDocument.Rate>> byClass = new IdentityHashMap<>();
        for (DirectoryDocument.Rate r : doc.rates()) {
            RateClass rc = classOf(r.scope());
            if (rc != null && r.scope().linkClass() != LinkClass.CLIENT) {
                byClass.computeIfAbsent(rc, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<RateClass, List<DirectoryDocument.Rate>> e : byClass.entrySet()) {
            List<DirectoryDocument.Rate> rates = e.getValue();
            rates.sort(Comparator.comparingLong(DirectoryDocument.Rate::epoch));
            apply(e.getKey(), rates, now);
        }
    }

    private void apply(RateClass rc, List<DirectoryDocument.Rate> rates, long now) {
        List<long[]> candidates = new ArrayList<>(); // {tick, rate}
        Integer inForce = null;
        for (DirectoryDocument.Rate r : rates) {
            long tick = Math.floorDiv(schedule.startMillis(r.epoch()), TICK_MILLIS);
            if (tick <= now + 2) {
                inForce = r.rateCellsPerTick();
            } else {
                candidates.add(new long[] {tick, r.rateCellsPerTick()});
            }
        }
        boolean late = false;
        if (inForce != null) {
            candidates.add(0, new long[] {now + 2, inForce});
            late = true;
        }
        for (long[] c : candidates) {
            int rate = (int) c[1];
            if (rc.rateAt(c[0]) != rate) {
                try {
                    rc.scheduleRate(rate, c[0]);
                    changesScheduled++;
                    if (late && c[0] == now + 2) {
                        lateChanges++;
                    }
                } catch (IllegalStateException | IllegalArgumentException ex) {
                    // A previous change still being reached by a link: the next document retries.
                    refusedChanges++;
                }
                return;
            }
            late = false;
        }
    }

    /** Rate changes scheduled from documents. */
    long changesScheduled() {
        return changesScheduled;
    }

    /** Changes applied two ticks ahead because their announced tick had passed. */
    long lateChanges() {
        return lateChanges;
    }

    /** Changes the scheduler could not take yet (retried on the next document). */
    long refusedChanges() {
        return refusedChanges;
    }

    // ---------------------------------------------------------------- admission (§3.4)

    private CapacityGate gate(int peer) {
        RateClass rc = classOfPeer.apply(peer);
        if (rc == null) {
            return null;
        }
        return gates.computeIfAbsent(peer, p -> new CapacityGate(scopes.get(rc),
                s -> rc.rateAt(scheduler.currentTick())));
    }

    @Override
    public boolean admit(int peerIn, int peerOut) {
        CapacityGate in = gate(peerIn);
        CapacityGate out = peerOut == peerIn ? null : gate(peerOut);
        if (in != null && in.tryAdmit(1) == CapacityGate.Admission.REFUSED_AT_CAPACITY) {
            return false;
        }
        if (out != null && out.tryAdmit(1) == CapacityGate.Admission.REFUSED_AT_CAPACITY) {
            if (in != null) {
                in.release(1);
            }
            return false;
        }
        return true;
    }

    @Override
    public void release(int peerIn, int peerOut) {
        CapacityGate in = gates.get(peerIn);
        if (in != null && in.activeCellsPerTick() > 0) {
            in.release(1);
        }
        CapacityGate out = peerOut == peerIn ? null : gates.get(peerOut);
        if (out != null && out.activeCellsPerTick() > 0) {
            out.release(1);
        }
    }

    /** Calls admitted now on the link of {@code peer}. */
    int admittedOn(int peer) {
        CapacityGate g = gates.get(peer);
        return g == null ? 0 : g.activeCellsPerTick();
    }

    /** Calls refused at capacity so far, all links. */
    long refusedAtCapacity() {
        long n = 0;
        for (CapacityGate g : gates.values()) {
            n += g.refusedCount();
        }
        return n;
    }

    // ---------------------------------------------------------------- utilisation reports

    /**
     * Samples the payload of every Mix link (every {@link #SAMPLE_MILLIS}); returns the signed
     * UTILISATION_REPORT requests due now (the final figures of an epoch that just ended), empty
     * if none.
     */
    List<byte[]> sample(Map<Integer, PacedLinks.Paced> links, long[] requestIds) {
        List<byte[]> out = new ArrayList<>();
        if (schedule == null) {
            return out;
        }
        long epoch = schedule.currentEpoch(clock);
        if (statsEpoch >= 0 && epoch != statsEpoch) {
            out.addAll(reports(statsEpoch, requestIds));
            stats.values().forEach(Stats::reset);
        }
        statsEpoch = epoch;
        double ticks = (double) SAMPLE_MILLIS / TICK_MILLIS;
        Map<RateClass, double[]> window = new IdentityHashMap<>(); // {sum, links}
        for (Map.Entry<Integer, PacedLinks.Paced> e : links.entrySet()) {
            LinkSender sender = e.getValue().sender();
            Stats s = stats.get(sender.rateClass());
            long sent = sender.payloadCellsSent();
            Long before = lastPayload.put(sender, sent);
            if (s == null || before == null) {
                continue;
            }
            double perTick = (sent - before) / ticks;
            int peak = Math.max((int) Math.round(perTick), admittedOn(e.getKey()));
            s.peak = Math.max(s.peak, peak);
            double[] w = window.computeIfAbsent(sender.rateClass(), k -> new double[2]);
            w[0] += perTick;
            w[1]++;
        }
        for (Map.Entry<RateClass, double[]> w : window.entrySet()) {
            Stats s = stats.get(w.getKey());
            s.sum += w.getValue()[0] / w.getValue()[1];
            s.samples++;
        }
        lastPayload.keySet().removeIf(sender -> !sender.isScheduled());
        return out;
    }

    /** The signed reports of the figures so far of the current epoch (sent now and then during it). */
    List<byte[]> currentReports(long[] requestIds) {
        return schedule == null || statsEpoch < 0 ? List.of() : reports(statsEpoch, requestIds);
    }

    private List<byte[]> reports(long epoch, long[] requestIds) {
        List<byte[]> out = new ArrayList<>();
        long tick = scheduler.currentTick();
        // The Mix's load as it reports, the same in every scope's report.
        int clientsNow = clients.getAsInt();
        int callsNow = calls.getAsInt();
        for (Map.Entry<RateClass, Stats> e : stats.entrySet()) {
            Stats s = e.getValue();
            RateClass rc = e.getKey();
            int capacity = rc.rateAt(tick);
            int peak = Math.min(s.peak, capacity);
            double mean = s.samples == 0 ? 0 : Math.min(peak, s.sum / s.samples);
            UtilisationReport r = new UtilisationReport(key.publicKey(), scopes.get(rc), epoch, peak, mean, capacity,
                    clientsNow, callsNow);
            // The directory wants strictly increasing timestamps per Mix (replay guard).
            long ts = Math.max(clock.epochMillis(), lastTimestamp + 1);
            lastTimestamp = ts;
            long id = requestIds[0]++;
            out.add(DirectoryMessages.encodeRequest(id, DirectoryRequest.Report.sign(key, zone, r, ts)));
        }
        return out;
    }
}
