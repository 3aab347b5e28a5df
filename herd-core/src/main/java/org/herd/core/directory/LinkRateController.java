package org.herd.core.directory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.time.Clock;

/**
 * Decides the link rates of one zone's directory (§3.1, §3.4.2, §3.4.3 of the Herd paper):
 * pure logic, no I/O, time only from the injected {@link Clock}.
 *
 * <p><b>What it decides.</b> One rate per {@link RateScope}: the SP links and the intra-zone mix
 * links of the local zone, decided unilaterally, and the mix links between the local zone and
 * each peer zone, agreed with the peer directory. Client links are not adapted: they run at
 * {@link RatePolicy#clientMultiple()} always (§3.4.1).
 *
 * <p><b>When.</b> Rates change only at epoch boundaries ({@link EpochSchedule}). The directory
 * calls {@link #onEpoch()} regularly (e.g. every second); once per epoch, {@code reportGraceMillis}
 * after the epoch {@code e} starts, it turns the mixes' reports on epoch {@code e-1} into a rate
 * for epoch {@code e + leadEpochs}, so every rate is announced at least one epoch boundary before
 * it applies. A decision that would come later than half-way through the epoch is skipped (the
 * rate stays) rather than announced too late for mixes to hear it. The rate of an epoch is
 * frozen once the epoch has begun: nothing can change it mid-epoch.
 *
 * <p><b>Hysteresis.</b> With {@code peak} the largest payload cells per tick any mix reported for
 * the scope and {@code r} the rate in force before the target epoch: raise when
 * {@code peak > highWatermark·r}, by as many {@code raiseStep}s as needed to bring
 * {@code peak} under the high watermark (capped at {@code maxRate}); lower by one
 * {@code lowerStep} only after {@code lowEpochsBeforeLowering} consecutive epochs with
 * {@code peak < lowWatermark·r}, and only if the highest peak of those epochs would stay under
 * the high watermark at the lowered rate (so a lowering is never followed by an immediate
 * raise); otherwise keep. An epoch without any report keeps the rate and resets the count.
 *
 * <p><b>Inter-zone agreement.</b> For a zone pair each directory proposes a rate per epoch
 * ({@link #onEpoch()} returns it, to be sent to the peer directory, which hands it to
 * {@link #acceptPeerProposal}). The rate of an epoch is the proposed value if both sides proposed
 * the same value for that epoch; otherwise the previous epoch's rate stays. To converge after a
 * disagreement, a side whose peer wanted more than was agreed proposes at least the peer's value
 * next time (raising wins, so capacity is never held down by one side); lowering needs both.
 *
 * <p>Thread-safe (methods serialised): reports and proposals arrive from network threads.
 */
public final class LinkRateController implements RateSource {

    /** What happened to a utilisation report. */
    public enum ReportOutcome {
        /** Stored for the next decision. */
        ACCEPTED,
        /** The scope is not one this controller decides. */
        UNKNOWN_SCOPE,
        /** Client links are not adapted; the report is ignored. */
        NOT_ADAPTIVE,
        /** The report is for an epoch already decided or too old. */
        STALE,
        /** The report is for an epoch that has not ended (clock skew or a bad mix). */
        FROM_FUTURE
    }

    /** What happened to a peer directory's proposal. */
    public enum ProposalOutcome {
        /** Recorded; the epoch's rate is the agreed value if ours matches. */
        ACCEPTED,
        /** The scope is not an inter-zone scope of this controller. */
        UNKNOWN_SCOPE,
        /** The proposal does not come from the other zone of the pair. */
        WRONG_ZONE,
        /** The peer's epoch starts at another time than ours: the two directories' schedules differ. */
        SCHEDULE_MISMATCH,
        /** The proposal is for an epoch that has already begun: rates never change mid-epoch. */
        TOO_LATE,
        /** The peer already proposed a different value for that epoch; proposals are immutable. */
        CONFLICT
    }

    /**
     * How many past epochs of announcements are kept in memory; {@link #rateAt} answers exactly for
     * epochs from {@code current - HISTORY_EPOCHS} on (the store keeps the full history).
     */
    public static final int HISTORY_EPOCHS = 64;

    private final String localZone;
    private final RatePolicy policy;
    private final EpochSchedule schedule;
    private final Clock clock;
    private final Map<RateScope, ScopeState> scopes = new LinkedHashMap<>();
    private long rejectedReports;
    private long rejectedProposals;
    private long skippedDecisions;

    /**
     * A controller for the directory of {@code localZone}.
     *
     * @throws IllegalArgumentException if the report grace is not under half an epoch
     */
    public LinkRateController(String localZone, RatePolicy policy, EpochSchedule schedule, Clock clock) {
        this.localZone = RateScope.requireZone(localZone);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (policy.reportGraceMillis() * 2 >= schedule.lengthMillis()) {
            throw new IllegalArgumentException("reportGraceMillis " + policy.reportGraceMillis()
                    + " must be under half the epoch length " + schedule.lengthMillis());
        }
    }

    /**
     * Starts deciding {@code scope} under the controller's policy; the scope must involve the local
     * zone and its rate starts at {@code initialRate}. Adding a scope twice keeps the first.
     */
    public synchronized void addScope(RateScope scope) {
        addScope(scope, policy);
    }

    /**
     * Starts deciding {@code scope} under its own policy (e.g. a higher {@code maxRate} for
     * inter-zone links, which aggregate many calls). The report grace is always the controller's.
     * Both directories of a zone pair must use the same policy for the pair, or they may not agree.
     */
    public synchronized void addScope(RateScope scope, RatePolicy scopePolicy) {
        if (!scope.involves(localZone)) {
            throw new IllegalArgumentException(scope + " does not involve local zone " + localZone);
        }
        Objects.requireNonNull(scopePolicy, "scopePolicy");
        scopes.putIfAbsent(scope, new ScopeState(scopePolicy));
    }

    /** The scopes this controller decides, in the order they were added. */
    public synchronized List<RateScope> scopes() {
        return List.copyOf(scopes.keySet());
    }

    /** Takes a mix's utilisation report for the next decision. Rejections are counted. */
    public synchronized ReportOutcome report(UtilisationReport r) {
        ReportOutcome outcome = classify(r);
        if (outcome == ReportOutcome.ACCEPTED) {
            scopes.get(r.scope()).reports.computeIfAbsent(r.epoch(), e -> new HashMap<>()).put(r.mix(), r);
        } else {
            rejectedReports++;
        }
        return outcome;
    }

    private ReportOutcome classify(UtilisationReport r) {
        ScopeState state = scopes.get(r.scope());
        if (state == null) {
            return ReportOutcome.UNKNOWN_SCOPE;
        }
        if (r.scope().linkClass() == LinkClass.CLIENT) {
            return ReportOutcome.NOT_ADAPTIVE;
        }
        long now = schedule.currentEpoch(clock);
        if (r.epoch() > now) {
            return ReportOutcome.FROM_FUTURE;
        }
        // Reports on epoch e are used by the decision taken during epoch e + 1.
        if (r.epoch() + 1 <= state.lastDecidedEpoch) {
            return ReportOutcome.STALE;
        }
        return ReportOutcome.ACCEPTED;
    }

    /**
     * Takes the decisions due now, at most once per scope and epoch; returns the announcements
     * made (to be stored, sent to the zone's mixes, and, for inter-zone scopes, to the peer
     * directory). Empty when nothing is due.
     */
    public synchronized List<RateAnnouncement> onEpoch() {
        long nowMillis = clock.epochMillis();
        long epoch = schedule.epochAt(nowMillis);
        long intoEpoch = nowMillis - schedule.startMillis(epoch);
        if (intoEpoch < policy.reportGraceMillis()) {
            return List.of();
        }
        boolean tooLate = intoEpoch * 2 > schedule.lengthMillis();
        List<RateAnnouncement> made = new ArrayList<>();
        for (Map.Entry<RateScope, ScopeState> e : scopes.entrySet()) {
            RateScope scope = e.getKey();
            ScopeState state = e.getValue();
            if (scope.linkClass() == LinkClass.CLIENT || state.lastDecidedEpoch >= epoch) {
                continue;
            }
            state.lastDecidedEpoch = epoch;
            long target = epoch + state.policy.leadEpochs();
            if (tooLate || state.own.containsKey(target)) {
                skippedDecisions += tooLate ? 1 : 0;
                state.reports.headMap(epoch).clear();
                continue;
            }
            int rate = decide(scope, state, epoch - 1, target);
            state.reports.headMap(epoch).clear();
            state.own.put(target, rate);
            state.updateAgreement(scope, target);
            state.forgetBefore(epoch - HISTORY_EPOCHS);
            made.add(new RateAnnouncement(scope, target, schedule.startMillis(target), rate, localZone, nowMillis));
        }
        return made;
    }

    private int decide(RateScope scope, ScopeState state, long reportedEpoch, long target) {
        RatePolicy p = state.policy;
        int base = rateAt(scope, target - 1);
        Map<IdentityPublicKey, UtilisationReport> reports = state.reports.get(reportedEpoch);
        int rate = base;
        if (reports == null || reports.isEmpty()) {
            state.resetLow();
        } else {
            int peak = 0;
            for (UtilisationReport r : reports.values()) {
                peak = Math.max(peak, r.peakCellsPerTick());
            }
            if (peak > p.highWatermark() * base) {
                state.resetLow();
                rate = base;
                while (rate < p.maxRate() && peak > p.highWatermark() * rate) {
                    rate = Math.min(p.maxRate(), rate + p.raiseStep());
                }
            } else if (peak < p.lowWatermark() * base) {
                state.lowEpochs++;
                state.lowWindowPeak = Math.max(state.lowWindowPeak, peak);
                int lowered = Math.max(p.minRate(), base - p.lowerStep());
                if (state.lowEpochs >= p.lowEpochsBeforeLowering() && lowered < base
                        && state.lowWindowPeak <= p.highWatermark() * lowered) {
                    rate = lowered;
                    state.resetLow();
                }
            } else {
                state.resetLow();
            }
        }
        if (scope.linkClass().isZonePair()) {
            // Converge after a disagreement: if the peer, in this round or the last, asked for more
            // than was agreed, match it. Older proposals (a silent peer) do not count.
            Map.Entry<Long, Integer> peerLatest = state.peer.lastEntry();
            if (peerLatest != null && peerLatest.getKey() >= target - 1
                    && peerLatest.getValue() > rateAt(scope, peerLatest.getKey())
                    && peerLatest.getValue() > rate) {
                rate = Math.min(p.maxRate(), peerLatest.getValue());
            }
        }
        return rate;
    }

    /** Records the peer directory's proposal for an inter-zone scope; rejections are counted. */
    public synchronized ProposalOutcome acceptPeerProposal(RateAnnouncement proposal) {
        ProposalOutcome outcome = classifyProposal(proposal);
        if (outcome == ProposalOutcome.ACCEPTED) {
            ScopeState state = scopes.get(proposal.scope());
            state.peer.put(proposal.effectiveEpoch(), proposal.rateCellsPerTick());
            state.updateAgreement(proposal.scope(), proposal.effectiveEpoch());
        } else {
            rejectedProposals++;
        }
        return outcome;
    }

    private ProposalOutcome classifyProposal(RateAnnouncement p) {
        ScopeState state = scopes.get(p.scope());
        if (state == null || !p.scope().linkClass().isZonePair()) {
            return ProposalOutcome.UNKNOWN_SCOPE;
        }
        if (!p.announcingZone().equals(p.scope().otherZone(localZone))) {
            return ProposalOutcome.WRONG_ZONE;
        }
        if (p.effectiveAtMillis() != schedule.startMillis(p.effectiveEpoch())) {
            return ProposalOutcome.SCHEDULE_MISMATCH;
        }
        if (p.effectiveEpoch() <= schedule.currentEpoch(clock)) {
            return ProposalOutcome.TOO_LATE;
        }
        Integer previous = state.peer.get(p.effectiveEpoch());
        if (previous != null && previous != p.rateCellsPerTick()) {
            return ProposalOutcome.CONFLICT;
        }
        return ProposalOutcome.ACCEPTED;
    }

    /**
     * Reloads an announcement made before a restart (own or, for inter-zone scopes, the peer's),
     * e.g. from {@link DirectoryStore#rateAnnouncementsFrom(long)}. Adds the scope if needed. An
     * own announcement also marks its decision epoch as decided, so a restart never announces a
     * second, different rate for the same epoch. The low-utilisation count is not restored (a
     * restart can only delay a lowering).
     *
     * @return false, and nothing restored, if the announcement was made under another epoch
     *         schedule (its epoch starts at another time than under the current configuration)
     */
    public synchronized boolean restore(RateAnnouncement a) {
        if (a.effectiveAtMillis() != schedule.startMillis(a.effectiveEpoch())) {
            return false;
        }
        RateScope scope = a.scope();
        addScope(scope);
        ScopeState state = scopes.get(scope);
        if (a.announcingZone().equals(localZone)) {
            state.own.put(a.effectiveEpoch(), a.rateCellsPerTick());
            state.lastDecidedEpoch = Math.max(state.lastDecidedEpoch, a.effectiveEpoch() - state.policy.leadEpochs());
        } else {
            state.peer.put(a.effectiveEpoch(), a.rateCellsPerTick());
        }
        state.updateAgreement(scope, a.effectiveEpoch());
        return true;
    }

    /**
     * The rate in force for {@code scope} at {@code epoch} as known now: the latest effective
     * announcement at or before {@code epoch}, else {@code initialRate}; client links always
     * {@code clientMultiple}. For epochs that have begun this never changes. Exact for epochs
     * from {@code current - HISTORY_EPOCHS} on.
     */
    public synchronized int rateAt(RateScope scope, long epoch) {
        ScopeState state = scopes.get(scope);
        if (scope.linkClass() == LinkClass.CLIENT) {
            return (state == null ? policy : state.policy).clientMultiple();
        }
        if (state == null) {
            throw new IllegalArgumentException("unknown scope " + scope);
        }
        Map.Entry<Long, Integer> e = state.effective.floorEntry(epoch);
        return e == null ? state.policy.initialRate() : e.getValue();
    }

    /** The rate in force now. */
    @Override
    public synchronized int currentRate(RateScope scope) {
        return rateAt(scope, schedule.currentEpoch(clock));
    }

    /** Reports rejected so far (any outcome other than {@code ACCEPTED}). */
    public synchronized long rejectedReports() {
        return rejectedReports;
    }

    /** Peer proposals rejected so far. */
    public synchronized long rejectedProposals() {
        return rejectedProposals;
    }

    /** Decisions skipped because {@link #onEpoch()} ran too late in the epoch to announce in time. */
    public synchronized long skippedDecisions() {
        return skippedDecisions;
    }

    /** Entries held in memory for {@code scope} (own, peer, effective); bounded by the history window. */
    synchronized int historySize(RateScope scope) {
        ScopeState state = scopes.get(scope);
        return state.own.size() + state.peer.size() + state.effective.size();
    }

    /** The local zone. */
    public String localZone() {
        return localZone;
    }

    /** The epoch schedule. */
    public EpochSchedule schedule() {
        return schedule;
    }

    private static final class ScopeState {
        final RatePolicy policy;
        /** Own announcements (single zone) or proposals (zone pair), by effective epoch. */
        final TreeMap<Long, Integer> own = new TreeMap<>();
        /** The peer directory's proposals, by effective epoch (zone pairs only). */
        final TreeMap<Long, Integer> peer = new TreeMap<>();
        /** The rates that took effect, by epoch. */
        final TreeMap<Long, Integer> effective = new TreeMap<>();
        /** Reports by epoch, then by mix (a second report from a mix replaces the first). */
        final TreeMap<Long, Map<IdentityPublicKey, UtilisationReport>> reports = new TreeMap<>();
        long lastDecidedEpoch = Long.MIN_VALUE;
        int lowEpochs;
        int lowWindowPeak;

        ScopeState(RatePolicy policy) {
            this.policy = policy;
        }

        /** Drops history before {@code epoch}, keeping the rate in force at {@code epoch}. */
        void forgetBefore(long epoch) {
            Long inForce = effective.floorKey(epoch);
            if (inForce != null) {
                effective.headMap(inForce).clear();
            }
            own.headMap(epoch).clear();
            peer.headMap(epoch).clear();
        }

        void resetLow() {
            lowEpochs = 0;
            lowWindowPeak = 0;
        }

        void updateAgreement(RateScope scope, long epoch) {
            Integer mine = own.get(epoch);
            if (!scope.linkClass().isZonePair()) {
                if (mine != null) {
                    effective.put(epoch, mine);
                }
                return;
            }
            Integer theirs = peer.get(epoch);
            if (mine != null && mine.equals(theirs)) {
                effective.put(epoch, mine);
            }
        }
    }
}
