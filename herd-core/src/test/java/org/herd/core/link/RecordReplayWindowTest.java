package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 64-record anti-replay window of a link's application-data records (RFC 6347 §4.1.2.6; pure logic). */
class RecordReplayWindowTest {

    @Test
    void nothingIsAReplayBeforeTheFirstRecord() {
        RecordReplayWindow w = new RecordReplayWindow();
        assertFalse(w.isReplay(0));
        assertFalse(w.isReplay(5));
        assertEquals(-1, w.highest());
    }

    @Test
    void acceptedNumbersAreReplaysFreshOnesAreNot() {
        RecordReplayWindow w = new RecordReplayWindow();
        w.accept(1);
        w.accept(2);
        w.accept(5);
        assertTrue(w.isReplay(1));
        assertTrue(w.isReplay(2));
        assertTrue(w.isReplay(5));
        assertFalse(w.isReplay(3), "inside the window, never seen");
        assertFalse(w.isReplay(4));
        assertFalse(w.isReplay(6), "ahead of the window");
        w.accept(3);
        assertTrue(w.isReplay(3), "late but accepted once");
        assertEquals(5, w.highest(), "a late record does not move the window");
    }

    @Test
    void windowIs64RecordsWide() {
        RecordReplayWindow w = new RecordReplayWindow();
        w.accept(100);
        assertFalse(w.isReplay(37), "age 63: inside the window, unseen");
        assertTrue(w.isReplay(36), "age 64: too old to tell, dropped");
        w.accept(37);
        assertTrue(w.isReplay(37));
        w.accept(163);
        assertTrue(w.isReplay(100), "age 63 now, accepted before");
        assertFalse(w.isReplay(101));
        w.accept(1_000);
        assertTrue(w.isReplay(100), "shifted out of the window");
        assertFalse(w.isReplay(999));
        assertTrue(w.isReplay(936), "age 64");
    }

    @Test
    void sequenceZeroAndLargeJumpsWork() {
        RecordReplayWindow w = new RecordReplayWindow();
        w.accept(0);
        assertTrue(w.isReplay(0));
        long top = (1L << 48) - 1;
        w.accept(top);
        assertTrue(w.isReplay(top));
        assertFalse(w.isReplay(top - 1));
        assertTrue(w.isReplay(0));
    }
}
