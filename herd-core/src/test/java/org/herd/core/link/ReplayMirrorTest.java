package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The mirror of BC's replay window that classifies dropped records (pure logic). */
class ReplayMirrorTest {

    @Test
    void nothingIsAReplayBeforeTheFirstRecord() {
        Link.ReplayMirror m = new Link.ReplayMirror();
        assertFalse(m.isReplay(1, 0));
        assertFalse(m.isReplay(1, 5));
    }

    @Test
    void acceptedNumbersAreReplaysFreshOnesAreNot() {
        Link.ReplayMirror m = new Link.ReplayMirror();
        m.accepted(1, 1);
        m.accepted(1, 2);
        m.accepted(1, 5);
        assertTrue(m.isReplay(1, 1));
        assertTrue(m.isReplay(1, 2));
        assertTrue(m.isReplay(1, 5));
        assertFalse(m.isReplay(1, 3), "inside the window, never seen");
        assertFalse(m.isReplay(1, 4));
        assertFalse(m.isReplay(1, 6), "ahead of the window");
        m.accepted(1, 3);
        assertTrue(m.isReplay(1, 3), "late but accepted once");
    }

    @Test
    void windowIs64RecordsWide() {
        Link.ReplayMirror m = new Link.ReplayMirror();
        m.accepted(1, 100);
        assertFalse(m.isReplay(1, 37), "age 63: inside the window, unseen");
        assertTrue(m.isReplay(1, 36), "age 64: too old, BC discards it");
        m.accepted(1, 1_000);
        assertTrue(m.isReplay(1, 100), "shifted out of the window");
        assertFalse(m.isReplay(1, 999));
    }

    @Test
    void anotherEpochStartsAfresh() {
        Link.ReplayMirror m = new Link.ReplayMirror();
        m.accepted(1, 10);
        assertFalse(m.isReplay(2, 10));
        m.accepted(2, 3);
        assertFalse(m.isReplay(2, 10));
        assertTrue(m.isReplay(2, 3));
    }
}
