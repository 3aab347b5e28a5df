package org.herd.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target for the control-message decoders (untrusted bytes reassembled at a circuit end):
 * every input either decodes to a message that re-encodes to exactly the input (one encoding
 * per value) or is a {@link MalformedMessageException}; nothing else escapes. The first byte
 * picks the decoder. Bounded run in the {@code fuzz} surefire execution.
 */
class ControlMessagesFuzzTest {

    @FuzzTest(maxDuration = "3s")
    void decodersAreTotalAndCanonical(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] b = Arrays.copyOfRange(input, 1, input.length);
        try {
            byte[] again = switch ((input[0] & 0xFF) % 10) {
                case 0 -> ControlMessages.Extend.decode(b).encode();
                case 1 -> ControlMessages.Extended.decode(b).encode();
                case 2 -> ControlMessages.End.decode(b).encode();
                case 3 -> ControlMessages.Connect.decode(b).encode();
                case 4 -> ControlMessages.Connected.decode(b).encode();
                case 5 -> ControlMessages.Register.decode(b).encode();
                case 6 -> ControlMessages.Registered.decode(b).encode();
                case 7 -> ControlMessages.Lookup.decode(b).encode();
                case 8 -> ControlMessages.Answer.decode(b).encode();
                default -> {
                    int status = ControlFragment.check(b, 0, b.length);
                    if (status == ControlFragment.OK) {
                        ControlFragment.messageId(b, 0);
                    }
                    yield b;
                }
            };
            assertArrayEquals(b, again);
        } catch (MalformedMessageException expected) {
            // rejected with a reason: fine
        }
    }
}
