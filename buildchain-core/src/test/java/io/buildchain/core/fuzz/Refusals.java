package io.buildchain.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.BuildchainException;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The property every fuzz target shares: a parser either returns a value or refuses with the project's own
 * one-line error. Any other exception escapes and is a finding; so is a refusal whose message is empty,
 * spans lines or is unbounded (it reaches a terminal or an HTTP answer as it is).
 */
final class Refusals {
    /** The cap BuildchainException applies, and its "… (N characters in all)" tail. */
    static final int MAX_MESSAGE = BuildchainException.MAX_MESSAGE_CHARS + 40;

    private Refusals() {
    }

    static <T> Optional<T> acceptOrRefuse(Callable<T> parse) throws Exception {
        try {
            return Optional.of(parse.call());
        } catch (BuildchainException e) {
            assertOneLine(e.getMessage());
            return Optional.empty();
        }
    }

    static void assertOneLine(String message) {
        assertThat(message).isNotBlank().doesNotContain("\n", "\r");
        assertThat(message.length()).isLessThanOrEqualTo(MAX_MESSAGE);
    }
}
