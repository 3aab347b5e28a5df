package org.herd.sim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostModelTest {

    private static final PriceTable P = new PriceTable(0.1, 0.02, 0, 1.0, 1, 100, 1000, 8, 10, 0);
    /** 8 KB/s for 30.4375 days, in GB. */
    private static final double STREAM_MONTH_GB = 8000 * 2_629_800.0 / 1e9;

    @Test
    void itemisedCostByHand() {
        CostModel.Breakdown sp = new CostModel(P).perUserMonth(1000, 0.02, 0.5, true);
        assertEquals(STREAM_MONTH_GB / 10, sp.egressGb(), 1e-9);
        assertEquals(0.1 * STREAM_MONTH_GB / 10, sp.egressUsd(), 1e-9);
        assertEquals(0.5 * 0.02 * STREAM_MONTH_GB, sp.interzoneGb(), 1e-9);
        assertEquals(1, sp.instances());
        assertEquals(730.5 / 1000, sp.instanceUsd(), 1e-9);
        CostModel.Breakdown direct = new CostModel(P).perUserMonth(1000, 0.02, 0.5, false);
        assertEquals(STREAM_MONTH_GB, direct.egressGb(), 1e-9);
        assertEquals(10, direct.instances(), "1000 users / 100 per core");
        assertTrue(direct.totalUsd() > 5 * sp.totalUsd());
    }

    @Test
    void priceFileOverridesDefaultsAndRejectsNonsense(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("p.properties");
        Files.writeString(f, "egress_internet_usd_per_gb=0.5\n");
        PriceTable t = PriceTable.load(f);
        assertEquals(0.5, t.egressPerGb());
        assertEquals(PriceTable.defaults().streamKBps(), t.streamKBps());
        Files.writeString(f, "stream_kBps=fast\n");
        assertThrows(IllegalArgumentException.class, () -> PriceTable.load(f));
    }
}
