package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the decoder of untrusted directory requests: every input either decodes to a
 * request that re-encodes to exactly the same bytes, or is refused with a
 * {@link DirectoryProtocolException} of status MALFORMED or UNSUPPORTED — never anything else.
 *
 * <p>Under {@code mvn test} Jazzer runs the seeds (regression mode); with {@code JAZZER_FUZZ=1}
 * it fuzzes for at most {@code maxDuration}.
 */
class DirectoryRequestFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void requestDecoderIsTotalAndCanonical(byte[] input) {
        try {
            DirectoryMessages.Envelope e = DirectoryMessages.decodeRequest(input);
            assertArrayEquals(input, DirectoryMessages.encodeRequest(e.requestId(), e.request()));
        } catch (DirectoryProtocolException e) {
            assertTrue(e.status() == DirectoryStatus.MALFORMED || e.status() == DirectoryStatus.UNSUPPORTED, e.getMessage());
        }
    }

    @FuzzTest(maxDuration = "5s")
    void documentDecoderIsTotalAndCanonical(byte[] input) {
        try {
            DirectoryDocument d = DirectoryDocument.decode(input);
            assertArrayEquals(input, d.encoded());
            assertEquals(d, DirectoryDocument.decode(d.encoded()));
        } catch (DirectoryProtocolException e) {
            assertTrue(e.status() == DirectoryStatus.MALFORMED || e.status() == DirectoryStatus.UNSUPPORTED, e.getMessage());
        }
    }
}
