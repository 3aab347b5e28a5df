package org.herd.sim;

import java.io.IOException;
import java.nio.file.Path;
import org.herd.sim.trace.TraceWriter;

/** Hand-made traces whose answers are known by hand. */
public final class TestTraces {

    private TestTraces() {
    }

    /** Users of {@link #threeOfFiveTraced}: A..H = 0..7. */
    public static final int A = 0, B = 1, C = 2, D = 3, E = 4, F = 5, G = 6, H = 7;

    /**
     * Five calls, exactly three traceable at 1 s granularity:
     * c1 A-B [100,160] alone in its (start, end) seconds: traced;
     * c2 C-D and c3 E-F both [200,230]: candidates {C,D,E,F};
     * c4 C-D and c5 G-H both [400,450]: candidates {C,D,G,H};
     * pair C-D: {C,D,E,F} ∩ {C,D,G,H} = {C,D}: c2 and c4 traced; E-F and G-H are not.
     */
    public static Path threeOfFiveTraced(Path dir) throws IOException {
        Path p = dir.resolve("three-of-five.bin");
        try (TraceWriter w = new TraceWriter(p, 1_280_620_800L, 8)) {
            w.write(100, 60, A, B);
            w.write(200, 30, C, D);
            w.write(200, 30, F, E);
            w.write(400, 50, D, C);
            w.write(400, 50, G, H);
        }
        return p;
    }
}
