package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the decoder of untrusted certificate/descriptor bytes: every input either
 * decodes to an item that re-encodes to exactly the same bytes (canonical), or is refused with a
 * {@link CertificateException} of reason MALFORMED — never any other exception.
 *
 * <p>Under {@code mvn test} Jazzer runs the seeds in {@code CertificateFuzzTestInputs/}
 * (regression mode); with {@code JAZZER_FUZZ=1} it fuzzes for at most {@code maxDuration}.
 */
class CertificateFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void decoderIsTotalAndCanonical(byte[] input) {
        try {
            HerdCertificate c = HerdCertificate.decode(input);
            assertArrayEquals(input, c.encoded());
            assertEquals(c, HerdCertificate.decode(c.encoded()));
        } catch (CertificateException e) {
            assertEquals(CertificateException.Reason.MALFORMED, e.reason(), e.getMessage());
        }
    }
}
