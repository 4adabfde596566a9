package io.buildchain.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A refusal quotes attacker-written text; it still reaches the user as one bounded line. */
class BuildchainExceptionTest {
    @Test
    void lineBreaksInQuotedInputAreEscaped() {
        // Found by fuzzing: Jackson's "Duplicate field" message quotes a JSON key holding a newline.
        String message = new FormatException("record: Duplicate field '\ncat'\r\u2028\u2029\u0085\u202e\t").getMessage();
        assertThat(message).isEqualTo("record: Duplicate field '?cat'?????\t");
    }

    @Test
    void aMessageQuotingHugeInputIsCut() {
        // Found by fuzzing: a manifest refusal quoted a 4 KiB file name and more, 5,373 characters in all.
        String message = new VerificationException("x".repeat(100_000)).getMessage();
        assertThat(message).hasSizeLessThan(BuildchainException.MAX_MESSAGE_CHARS + 40)
                .startsWith("x".repeat(BuildchainException.MAX_MESSAGE_CHARS)).endsWith("… (100000 characters in all)");
    }

    @Test
    void anOrdinaryMessageIsKeptAsItIs() {
        String message = "manifest.json: files[\"a b/ü.jar\"]: expected a base32 SHA-384 string, got a number";
        assertThat(new FormatException(message).getMessage()).isEqualTo(message);
    }
}
