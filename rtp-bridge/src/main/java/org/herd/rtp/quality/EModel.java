package org.herd.rtp.quality;

/**
 * The ITU-T G.107 E-model, reduced to the terms a Herd call changes: one-way delay and packet
 * loss, with the recommendation's default values for everything else (DESIGN.md §8).
 *
 * <pre>
 *   R      = 93.2 − Idd − Ie,eff
 *   Idd    = 0                                                   for Ta ≤ 100 ms
 *          = 25·[(1+X⁶)^(1/6) − 3·(1+(X/3)⁶)^(1/6) + 2],  X = log2(Ta/100)   otherwise
 *   Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl)
 *   MOS    = 1 + 0.035·R + 7·10⁻⁶·R·(R−60)·(100−R)   (1 below R = 0, 4.5 above R = 100)
 * </pre>
 *
 * <p>G.711 (the codec Herd's cells are sized for): Ie = 0; Bpl = 25.1 with packet-loss
 * concealment, 4.3 without (G.113 Appendix I values, as quoted in DESIGN.md §8).
 */
public final class EModel {

    /** Basic signal-to-noise ratio R0 minus the default simultaneous impairment Is. */
    public static final double DEFAULT_R = 93.2;

    private final double ie;
    private final double bpl;

    /** A model for a codec with equipment impairment {@code ie} and loss robustness {@code bpl}. */
    public EModel(double ie, double bpl) {
        if (ie < 0 || bpl <= 0) {
            throw new IllegalArgumentException("Ie must be >= 0 and Bpl > 0");
        }
        this.ie = ie;
        this.bpl = bpl;
    }

    /** G.711 with packet-loss concealment (Ie = 0, Bpl = 25.1). */
    public static EModel g711WithPlc() {
        return new EModel(0, 25.1);
    }

    /** G.711 without packet-loss concealment (Ie = 0, Bpl = 4.3). */
    public static EModel g711WithoutPlc() {
        return new EModel(0, 4.3);
    }

    /** The delay impairment Idd for one-way absolute delay {@code ta} milliseconds. */
    public static double delayImpairment(double taMillis) {
        if (taMillis <= 100) {
            return 0;
        }
        double x = Math.log(taMillis / 100) / Math.log(2);
        return 25 * (Math.pow(1 + Math.pow(x, 6), 1.0 / 6) - 3 * Math.pow(1 + Math.pow(x / 3, 6), 1.0 / 6) + 2);
    }

    /** The effective equipment impairment for {@code lossPercent} % loss with burst ratio {@code burstR} (1 = random). */
    public double effectiveEquipmentImpairment(double lossPercent, double burstR) {
        if (lossPercent < 0 || lossPercent > 100 || burstR < 1) {
            throw new IllegalArgumentException("loss must be in [0, 100] % and BurstR >= 1");
        }
        return ie + (95 - ie) * lossPercent / (lossPercent / burstR + bpl);
    }

    /** The rating factor R for one-way delay {@code taMillis} and random loss {@code lossPercent} %. */
    public double rFactor(double taMillis, double lossPercent) {
        if (taMillis < 0 || Double.isNaN(taMillis)) {
            throw new IllegalArgumentException("delay must be >= 0 ms");
        }
        return DEFAULT_R - delayImpairment(taMillis) - effectiveEquipmentImpairment(lossPercent, 1);
    }

    /** The estimated mean opinion score for a rating factor {@code r}. */
    public static double mos(double r) {
        if (r < 0) {
            return 1;
        }
        if (r > 100) {
            return 4.5;
        }
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
    }
}
