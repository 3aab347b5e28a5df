package org.herd.gateway.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The layout form's optional keys: a typo is an error naming the key, never a silent default. */
class NetworkLayoutKeysTest {

    @Test
    void booleanKeysAcceptTrueAndFalseOnlyAndDefaultWhenAbsent() {
        Properties p = new Properties();
        assertTrue(NetworkLayout.bool(p, "polled-reads", true));
        assertFalse(NetworkLayout.bool(p, "polled-reads", false));
        p.setProperty("polled-reads", " true ");
        assertTrue(NetworkLayout.bool(p, "polled-reads", false));
        p.setProperty("polled-reads", "false");
        assertFalse(NetworkLayout.bool(p, "polled-reads", true));
        p.setProperty("polled-reads", "yes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkLayout.bool(p, "polled-reads", true));
        assertEquals("key 'polled-reads': 'yes' is not true or false", e.getMessage());
    }
}
