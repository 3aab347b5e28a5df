package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.herd.core.directory.LinkRateController.ProposalOutcome;
import org.herd.core.directory.LinkRateController.ReportOutcome;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;

class LinkRateControllerTest {

    private static final long ORIGIN = 1_767_225_600_000L; // ManualClock's default wall time
    private static final long EPOCH_MS = 10_000;
    private static final long GRACE_MS = 1_000;
    /** initial 8, bounds [2, 32], +4 / -2, watermarks 0.8 / 0.4, 3 low epochs, lead 1. */
    private static final RatePolicy POLICY = new RatePolicy(1, 8, 2, 32, 4, 2, 0.8, 0.4, 3, 1, GRACE_MS);
    private static final EpochSchedule SCHEDULE = new EpochSchedule(ORIGIN, EPOCH_MS);
    private static final RateScope INTRA = RateScope.intraZone("alpha");
    private static final RateScope PAIR = RateScope.interZone("alpha", "beta");

    private final ManualClock clock = new ManualClock();

    private LinkRateController controller(String zone, RateScope... scopes) {
        LinkRateController c = new LinkRateController(zone, POLICY, SCHEDULE, clock);
        for (RateScope s : scopes) {
            c.addScope(s);
        }
        return c;
    }

    /** Moves the clock to {@code offsetMs} into {@code epoch}. */
    private void moveTo(long epoch, long offsetMs) {
        clock.setEpochMillis(SCHEDULE.startMillis(epoch) + offsetMs);
    }

    /** A proposal for {@code epoch} as a peer directory would make it, just before the epoch starts. */
    private static RateAnnouncement proposal(RateScope scope, long epoch, int rate, String zone) {
        return new RateAnnouncement(scope, epoch, SCHEDULE.startMillis(epoch), rate, zone, SCHEDULE.startMillis(epoch) - 1);
    }

    private static UtilisationReport report(RateScope scope, long epoch, int mix, int peak, int capacity) {
        return new UtilisationReport(TestKeys.key(99, mix), scope, epoch, peak, peak / 2.0, capacity, 0, 0);
    }

    /**
     * Runs one epoch: reports {@code peak} for {@code epoch - 1} from two mixes, then decides at the
     * grace point of {@code epoch}; returns what was announced.
     */
    private List<RateAnnouncement> step(LinkRateController c, RateScope scope, long epoch, int peak) {
        moveTo(epoch, 0);
        int capacity = c.rateAt(scope, epoch - 1);
        assertEquals(ReportOutcome.ACCEPTED, c.report(report(scope, epoch - 1, 1, Math.min(peak, capacity), capacity)));
        assertEquals(ReportOutcome.ACCEPTED, c.report(report(scope, epoch - 1, 2, Math.min(peak, capacity) / 2, capacity)));
        moveTo(epoch, GRACE_MS);
        return c.onEpoch();
    }

    @Test
    void aPeakAboveTheHighWatermarkRaisesTheRateOneEpochLaterAnnouncedInAdvance() {
        LinkRateController c = controller("alpha", INTRA);
        List<RateAnnouncement> made = step(c, INTRA, 1, 8); // 8 > 0.8 * 8
        assertEquals(1, made.size());
        RateAnnouncement a = made.get(0);
        assertEquals(2, a.effectiveEpoch());
        assertEquals(12, a.rateCellsPerTick()); // 8 <= 0.8 * 12
        assertEquals("alpha", a.announcingZone());
        // Announced during epoch 1, i.e. before the boundary it applies at, by at least half an epoch.
        assertEquals(1, SCHEDULE.epochAt(a.announcedAtMillis()));
        assertTrue(SCHEDULE.startMillis(2) - a.announcedAtMillis() >= EPOCH_MS / 2);
        // Nothing changes for the rest of epoch 1, up to its last millisecond.
        assertEquals(8, c.currentRate(INTRA));
        moveTo(1, EPOCH_MS - 1);
        assertEquals(8, c.currentRate(INTRA));
        moveTo(2, 0);
        assertEquals(12, c.currentRate(INTRA));
        // One decision per epoch: asking again in the same epoch announces nothing.
        moveTo(2, GRACE_MS);
        assertEquals(1, c.onEpoch().size());
        assertTrue(c.onEpoch().isEmpty());
    }

    @Test
    void aSurgeRaisesEnoughStepsAtOnceAndStopsAtMaxRate() {
        LinkRateController c = controller("alpha", INTRA);
        assertEquals(8, c.rateAt(INTRA, 0));
        // Saturated links: the mixes can report at most the capacity, so the rate climbs each epoch.
        List<Integer> rates = new ArrayList<>();
        for (long e = 1; e <= 10; e++) {
            step(c, INTRA, e, Integer.MAX_VALUE);
            rates.add(c.rateAt(INTRA, e + 1));
        }
        // Reports on epoch e-1 decide epoch e+1, so each raise is seen in the reports one epoch
        // later (the rate holds for one epoch in between). From 20, a saturated peak of 20 needs
        // two steps at once (20 > 0.8 * 24, 20 <= 0.8 * 28); then the cap of 32.
        assertEquals(List.of(12, 12, 16, 16, 20, 20, 28, 28, 32, 32), rates);
    }

    @Test
    void eachScopeCanHaveItsOwnPolicy() {
        RatePolicy wide = new RatePolicy(1, 16, 8, 64, 16, 8, 0.8, 0.4, 3, 2, GRACE_MS);
        LinkRateController c = controller("alpha", INTRA);
        c.addScope(PAIR, wide);
        assertEquals(List.of(INTRA, PAIR), c.scopes());
        assertEquals(16, c.rateAt(PAIR, 0));
        for (long e = 1; e <= 12; e++) {
            moveTo(e, 0);
            int capacity = c.rateAt(PAIR, e - 1);
            c.report(report(PAIR, e - 1, 1, capacity, capacity));
            for (RateAnnouncement a : step(c, INTRA, e, Integer.MAX_VALUE)) {
                // The pair's decisions use its own lead of 2 epochs; peer agrees with everything.
                assertEquals(a.scope().equals(PAIR) ? e + 2 : e + 1, a.effectiveEpoch());
                if (a.scope().equals(PAIR)) {
                    c.acceptPeerProposal(proposal(PAIR, a.effectiveEpoch(), a.rateCellsPerTick(), "beta"));
                }
            }
        }
        assertEquals(32, c.rateAt(INTRA, 13));
        assertEquals(64, c.rateAt(PAIR, 14));
    }

    @Test
    void loweringNeedsConsecutiveLowEpochsAndStopsAtMinRate() {
        LinkRateController c = controller("alpha", INTRA);
        // peak 3 < 0.4 * 8: two low epochs, then a medium one resets the count.
        step(c, INTRA, 1, 3);
        step(c, INTRA, 2, 3);
        step(c, INTRA, 3, 5); // 3.2 <= 5 <= 6.4
        assertEquals(8, c.rateAt(INTRA, 4));
        step(c, INTRA, 4, 3);
        step(c, INTRA, 5, 3);
        assertEquals(8, c.rateAt(INTRA, 6));
        step(c, INTRA, 6, 3); // third consecutive low epoch
        assertEquals(6, c.rateAt(INTRA, 7));
        // Idle for long: one lowerStep per three epochs, never below minRate.
        for (long e = 7; e < 60; e++) {
            step(c, INTRA, e, 0);
        }
        assertEquals(2, c.rateAt(INTRA, 60));
    }

    @Test
    void aLoweringThatWouldBeUndoneAtOnceIsNotMade() {
        // Rate 8, watermarks 0.8/0.4; a peak of 3 is low (< 3.2), and at the lowered rate 6 would be
        // 0.5 (fine). With lowerStep 6 the lowered rate 2 would see 3 > 1.6: must not lower.
        RatePolicy bigStep = new RatePolicy(1, 8, 2, 32, 4, 6, 0.8, 0.4, 3, 1, GRACE_MS);
        LinkRateController c = new LinkRateController("alpha", bigStep, SCHEDULE, clock);
        c.addScope(INTRA);
        for (long e = 1; e <= 12; e++) {
            step(c, INTRA, e, 3);
        }
        assertEquals(8, c.rateAt(INTRA, 13));
    }

    @Test
    void oscillatingLoadDoesNotMakeTheRateFlap() {
        long seed = System.nanoTime();
        System.out.println("oscillatingLoadDoesNotMakeTheRateFlap seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        LinkRateController c = controller("alpha", INTRA);
        List<Integer> rates = new ArrayList<>();
        for (long e = 1; e <= 200; e++) {
            // Alternating busy and quiet epochs (a diurnal-like swing compressed), with jitter.
            int peak = (e % 2 == 0) ? 10 + random.nextInt(3) : random.nextInt(3);
            step(c, INTRA, e, peak);
            rates.add(c.rateAt(INTRA, e + 1));
        }
        int changes = 0;
        int decreases = 0;
        for (int i = 1; i < rates.size(); i++) {
            changes += rates.get(i).equals(rates.get(i - 1)) ? 0 : 1;
            decreases += rates.get(i) < rates.get(i - 1) ? 1 : 0;
        }
        assertEquals(0, decreases, "rate went down on oscillating load (seed " + seed + "): " + rates);
        assertTrue(changes <= 3, "rate changed " + changes + " times (seed " + seed + "): " + rates);
        // It settles at a rate covering the busy peaks under the high watermark.
        int last = rates.get(rates.size() - 1);
        assertTrue(12 <= 0.8 * last, "settled rate " + last + " does not cover peak 12");
        assertEquals(last, rates.get(100));
    }

    @Test
    void theRateOfAnEpochNeverChangesOnceItHasBegun() {
        long seed = System.nanoTime();
        System.out.println("theRateOfAnEpochNeverChangesOnceItHasBegun seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        LinkRateController c = controller("alpha", INTRA);
        List<RateAnnouncement> announcements = new ArrayList<>();
        for (long e = 1; e <= 150; e++) {
            moveTo(e, 0);
            int rateAtStart = c.currentRate(INTRA);
            int capacity = rateAtStart;
            for (int mix = 0; mix < 3; mix++) {
                c.report(report(INTRA, e - 1, mix, random.nextInt(capacity + 1), capacity));
            }
            // Poll at random points of the epoch, as a directory's timer would; the rate must not move.
            long offset = 0;
            while (true) {
                offset += 1 + random.nextInt((int) (EPOCH_MS / 8));
                if (offset >= EPOCH_MS) {
                    break;
                }
                moveTo(e, offset);
                announcements.addAll(c.onEpoch());
                assertEquals(rateAtStart, c.currentRate(INTRA), "rate changed inside epoch " + e + " (seed " + seed + ")");
            }
        }
        // Every announcement was made in an epoch before the one it applies to.
        assertTrue(announcements.size() > 100, "too few decisions: " + announcements.size());
        for (RateAnnouncement a : announcements) {
            assertTrue(SCHEDULE.epochAt(a.announcedAtMillis()) < a.effectiveEpoch(), a.toString());
        }
    }

    @Test
    void decisionsWaitForTheReportGraceAndAreSkippedWhenTooLateToAnnounce() {
        LinkRateController c = controller("alpha", INTRA);
        moveTo(1, 0);
        c.report(report(INTRA, 0, 1, 8, 8));
        moveTo(1, GRACE_MS - 1);
        assertTrue(c.onEpoch().isEmpty(), "decided before the grace period");
        moveTo(1, GRACE_MS);
        assertEquals(12, c.onEpoch().get(0).rateCellsPerTick());
        // In epoch 2 the directory wakes only after half-way: no announcement, the rate stays.
        c.report(report(INTRA, 1, 1, 8, 8));
        moveTo(2, EPOCH_MS / 2 + 1);
        assertTrue(c.onEpoch().isEmpty());
        assertEquals(1, c.skippedDecisions());
        assertEquals(12, c.rateAt(INTRA, 3));
    }

    @Test
    void reportsOutsideTheirWindowAreRejectedAndCounted() {
        LinkRateController c = controller("alpha", INTRA, RateScope.client("alpha"));
        moveTo(5, 0);
        assertEquals(ReportOutcome.FROM_FUTURE, c.report(report(INTRA, 6, 1, 1, 8)));
        assertEquals(ReportOutcome.UNKNOWN_SCOPE, c.report(report(RateScope.superpeer("alpha"), 4, 1, 1, 8)));
        assertEquals(ReportOutcome.NOT_ADAPTIVE, c.report(report(RateScope.client("alpha"), 4, 1, 1, 1)));
        assertEquals(ReportOutcome.ACCEPTED, c.report(report(INTRA, 4, 1, 1, 8)));
        moveTo(5, GRACE_MS);
        c.onEpoch();
        assertEquals(ReportOutcome.STALE, c.report(report(INTRA, 4, 2, 1, 8)));
        assertEquals(ReportOutcome.ACCEPTED, c.report(report(INTRA, 5, 2, 1, 8)));
        assertEquals(4, c.rejectedReports());
        // Client links stay at clientMultiple whatever happens.
        assertEquals(POLICY.clientMultiple(), c.currentRate(RateScope.client("alpha")));
    }

    @Test
    void interZoneRateTakesEffectWhenBothDirectoriesAnnounceTheSameValue() {
        LinkRateController alpha = controller("alpha", PAIR);
        LinkRateController beta = controller("beta", PAIR);
        RateAnnouncement fromAlpha = step(alpha, PAIR, 1, 8).get(0);
        RateAnnouncement fromBeta = step(beta, PAIR, 1, 8).get(0);
        assertEquals(12, fromAlpha.rateCellsPerTick());
        assertEquals(12, fromBeta.rateCellsPerTick());
        // Before the exchange neither side has agreement: the next epoch keeps the current rate.
        assertEquals(8, alpha.rateAt(PAIR, 2));
        assertEquals(ProposalOutcome.ACCEPTED, alpha.acceptPeerProposal(fromBeta));
        assertEquals(ProposalOutcome.ACCEPTED, beta.acceptPeerProposal(fromAlpha));
        assertEquals(12, alpha.rateAt(PAIR, 2));
        assertEquals(12, beta.rateAt(PAIR, 2));
        moveTo(2, 0);
        assertEquals(12, alpha.currentRate(PAIR));
        assertEquals(12, beta.currentRate(PAIR));
    }

    @Test
    void interZoneDisagreementKeepsTheCurrentRateThenConvergesUpwards() {
        LinkRateController alpha = controller("alpha", PAIR);
        LinkRateController beta = controller("beta", PAIR);
        // Alpha's mixes see a busy inter-zone link, beta's a moderate one.
        RateAnnouncement a1 = step(alpha, PAIR, 1, 8).get(0);
        RateAnnouncement b1 = step(beta, PAIR, 1, 5).get(0);
        assertEquals(12, a1.rateCellsPerTick());
        assertEquals(8, b1.rateCellsPerTick());
        alpha.acceptPeerProposal(b1);
        beta.acceptPeerProposal(a1);
        assertEquals(8, alpha.rateAt(PAIR, 2), "disagreement must keep the current rate");
        assertEquals(8, beta.rateAt(PAIR, 2));
        // Next round: beta matches alpha's higher request, alpha still wants 12: agreement.
        RateAnnouncement a2 = step(alpha, PAIR, 2, 8).get(0);
        RateAnnouncement b2 = step(beta, PAIR, 2, 5).get(0);
        assertEquals(12, b2.rateCellsPerTick());
        alpha.acceptPeerProposal(b2);
        beta.acceptPeerProposal(a2);
        assertEquals(12, alpha.rateAt(PAIR, 3));
        assertEquals(12, beta.rateAt(PAIR, 3));
        assertEquals(8, alpha.rateAt(PAIR, 2), "epoch 2 stays as it was");
    }

    @Test
    void interZoneLoweringNeedsBothSides() {
        RatePolicy start16 = new RatePolicy(1, 16, 2, 32, 4, 2, 0.8, 0.4, 1, 1, GRACE_MS);
        LinkRateController alpha = new LinkRateController("alpha", start16, SCHEDULE, clock);
        LinkRateController beta = new LinkRateController("beta", start16, SCHEDULE, clock);
        alpha.addScope(PAIR);
        beta.addScope(PAIR);
        // Alpha is idle, beta moderately busy (10 of 16): alpha proposes 14, beta keeps 16.
        RateAnnouncement a = step(alpha, PAIR, 1, 1).get(0);
        RateAnnouncement b = step(beta, PAIR, 1, 10).get(0);
        assertEquals(14, a.rateCellsPerTick());
        assertEquals(16, b.rateCellsPerTick());
        alpha.acceptPeerProposal(b);
        beta.acceptPeerProposal(a);
        assertEquals(16, alpha.rateAt(PAIR, 2));
        // Both idle: both propose 14 and it takes effect.
        a = step(alpha, PAIR, 2, 1).get(0);
        b = step(beta, PAIR, 2, 1).get(0);
        alpha.acceptPeerProposal(b);
        beta.acceptPeerProposal(a);
        assertEquals(14, alpha.rateAt(PAIR, 3));
        assertEquals(14, beta.rateAt(PAIR, 3));
    }

    @Test
    void peerProposalsForStartedEpochsOrFromTheWrongZoneAreRefused() {
        LinkRateController alpha = controller("alpha", PAIR, RateScope.interZone("alpha", "gamma"));
        moveTo(3, 0);
        assertEquals(ProposalOutcome.TOO_LATE, alpha.acceptPeerProposal(proposal(PAIR, 3, 16, "beta")));
        assertEquals(8, alpha.currentRate(PAIR));
        assertEquals(ProposalOutcome.WRONG_ZONE, alpha.acceptPeerProposal(proposal(PAIR, 4, 16, "alpha")));
        assertEquals(ProposalOutcome.UNKNOWN_SCOPE,
                alpha.acceptPeerProposal(proposal(RateScope.interZone("beta", "gamma"), 4, 16, "beta")));
        // A peer whose epoch 4 starts at another time runs another schedule: never agree silently.
        RateAnnouncement skewed = new RateAnnouncement(PAIR, 4, SCHEDULE.startMillis(4) + 1, 16, "beta", clock.epochMillis());
        assertEquals(ProposalOutcome.SCHEDULE_MISMATCH, alpha.acceptPeerProposal(skewed));
        assertEquals(ProposalOutcome.ACCEPTED, alpha.acceptPeerProposal(proposal(PAIR, 4, 16, "beta")));
        assertEquals(ProposalOutcome.CONFLICT, alpha.acceptPeerProposal(proposal(PAIR, 4, 12, "beta")));
        assertEquals(5, alpha.rejectedProposals());
    }

    @Test
    void aRestartedControllerRestoresRatesAndDoesNotDecideTwice() {
        LinkRateController before = controller("alpha", INTRA, PAIR);
        List<RateAnnouncement> stored = new ArrayList<>(step(before, INTRA, 1, 8));
        RateAnnouncement peer = proposal(PAIR, 2, 8, "beta");
        before.acceptPeerProposal(peer);
        stored.add(peer);
        // The PAIR decision of epoch 1 (no reports: keep 8) agrees with beta's 8.
        stored.addAll(before.onEpoch()); // nothing more this epoch
        LinkRateController after = new LinkRateController("alpha", POLICY, SCHEDULE, clock);
        for (RateAnnouncement a : stored) {
            assertTrue(after.restore(a));
        }
        // Announcements made under another epoch length are not restored.
        LinkRateController otherSchedule = new LinkRateController("alpha", POLICY, new EpochSchedule(ORIGIN, 2 * EPOCH_MS), clock);
        assertTrue(stored.stream().noneMatch(otherSchedule::restore));
        assertEquals(before.rateAt(INTRA, 2), after.rateAt(INTRA, 2));
        assertEquals(12, after.rateAt(INTRA, 2));
        assertTrue(after.onEpoch().stream().noneMatch(a -> a.scope().equals(INTRA)),
                "re-decided an epoch already announced before the restart");
    }

    @Test
    void memoryStaysBoundedOverManyEpochsWhileRecentRatesStayExact() {
        LinkRateController c = controller("alpha", INTRA, PAIR);
        List<Integer> rates = new ArrayList<>();
        for (long e = 1; e <= 1000; e++) {
            step(c, INTRA, e, (int) (e % 7) * 2); // the busy pattern raises and sometimes lowers
            rates.add(c.rateAt(INTRA, e + 1));
            c.acceptPeerProposal(proposal(PAIR, e + 1, 8, "beta"));
        }
        assertTrue(c.historySize(INTRA) <= 3 * (LinkRateController.HISTORY_EPOCHS + 2), "INTRA history " + c.historySize(INTRA));
        assertTrue(c.historySize(PAIR) <= 3 * (LinkRateController.HISTORY_EPOCHS + 2), "PAIR history " + c.historySize(PAIR));
        for (long e = 1000 - LinkRateController.HISTORY_EPOCHS; e <= 1000; e++) {
            assertEquals(rates.get((int) e - 1), c.rateAt(INTRA, e + 1), "epoch " + (e + 1));
        }
        assertEquals(8, c.rateAt(PAIR, 1001));
    }

    @Test
    void aSilentPeersOldRaiseRequestIsNotAdopted() {
        LinkRateController alpha = controller("alpha", PAIR);
        // Alpha (no load) proposes 8 for epoch 2; then beta's request for 16 arrives, and beta goes silent.
        moveTo(1, GRACE_MS);
        assertEquals(8, alpha.onEpoch().get(0).rateCellsPerTick());
        alpha.acceptPeerProposal(proposal(PAIR, 2, 16, "beta"));
        assertEquals(8, alpha.rateAt(PAIR, 2));
        moveTo(2, GRACE_MS);
        assertEquals(16, alpha.onEpoch().get(0).rateCellsPerTick(), "last round's raise request is matched");
        for (long e = 3; e <= 5; e++) {
            moveTo(e, GRACE_MS);
            assertEquals(8, alpha.onEpoch().get(0).rateCellsPerTick(), "epoch " + e + " adopted a stale request");
        }
    }

    @Test
    void badConfigurationIsRefusedUpFront() {
        assertThrows(IllegalArgumentException.class, () -> new RatePolicy(1, 8, 2, 32, 4, 2, 0.4, 0.8, 3, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RatePolicy(1, 8, 2, 32, 4, 2, 0.8, 0.4, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RatePolicy(1, 40, 2, 32, 4, 2, 0.8, 0.4, 3, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new LinkRateController("alpha", POLICY, new EpochSchedule(ORIGIN, 2 * GRACE_MS), clock));
        assertThrows(IllegalArgumentException.class, () -> controller("alpha", RateScope.intraZone("beta")));
        assertThrows(IllegalArgumentException.class, () -> new EpochSchedule(ORIGIN, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateAnnouncement(INTRA, 2, SCHEDULE.startMillis(2), 8, "alpha",
                SCHEDULE.startMillis(2)), "an announcement must precede its epoch");
        clock.advance(0, TimeUnit.SECONDS);
    }
}
