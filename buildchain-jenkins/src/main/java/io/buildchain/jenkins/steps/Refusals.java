package io.buildchain.jenkins.steps;

import hudson.AbortException;
import io.buildchain.core.BuildchainException;

/**
 * How a step ends on an expected refusal (a quorum that can never be met, a branch another job publishes, a
 * directory outside any checkout...): one line naming the step, as an {@link AbortException}, which Jenkins prints
 * as {@code ERROR: <message>} without a stack trace. Anything unexpected keeps its stack trace.
 */
final class Refusals {
    private Refusals() {
    }

    interface Body<T> {
        T run() throws Exception;
    }

    static <T> T oneLine(String functionName, Body<T> body) throws Exception {
        try {
            return body.run();
        } catch (BuildchainException e) {
            throw new AbortException(functionName + ": " + e.getMessage());
        }
    }
}
