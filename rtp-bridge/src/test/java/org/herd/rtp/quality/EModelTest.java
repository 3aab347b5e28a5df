package org.herd.rtp.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EModelTest {

    private final EModel g711 = EModel.g711WithPlc();

    @Test
    void checkValuesFromTheDesign() {
        // DESIGN.md §8: Ta = 150 ms, no loss -> R ≈ 93.0; Ta = 400 ms -> R ≈ 69.1.
        assertEquals(93.0, g711.rFactor(150, 0), 0.05);
        assertEquals(69.1, g711.rFactor(400, 0), 0.05);
        assertEquals(93.2, g711.rFactor(100, 0), 1e-9);
        assertEquals(93.2, g711.rFactor(0, 0), 1e-9);
    }

    @Test
    void lossImpairmentFollowsBpl() {
        // Ppl = 1 %, Bpl = 25.1: Ie,eff = 95 * 1 / 26.1 = 3.640
        assertEquals(95.0 / 26.1, g711.effectiveEquipmentImpairment(1, 1), 1e-9);
        // Without concealment the same loss hurts far more: 95 * 1 / 5.3 = 17.92
        assertEquals(95.0 / 5.3, EModel.g711WithoutPlc().effectiveEquipmentImpairment(1, 1), 1e-9);
        assertTrue(g711.rFactor(150, 5) < g711.rFactor(150, 1));
    }

    @Test
    void mosMapping() {
        assertEquals(1, EModel.mos(-5));
        assertEquals(4.5, EModel.mos(120));
        // R = 93.2: 1 + 3.262 + 7e-6 * 93.2 * 33.2 * 6.8 = 4.4093
        assertEquals(4.409, EModel.mos(93.2), 0.001);
        assertEquals(1 + 0.035 * 50 + 7e-6 * 50 * -10 * 50, EModel.mos(50), 1e-12);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> g711.rFactor(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> g711.rFactor(100, 101));
        assertThrows(IllegalArgumentException.class, () -> g711.effectiveEquipmentImpairment(1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new EModel(-1, 1));
    }
}
