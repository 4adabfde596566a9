package io.buildchain.core.ci;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.FormatException;
import io.buildchain.core.crypto.KeyList;
import io.buildchain.core.crypto.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks of the signer and quorum settings as a person types them (Jenkins shows the result next to each
 * field). Every message says what was expected.
 */
public final class SettingsCheck {
    /** Rates a serial signer is normally run at; pihsm uses 115200. */
    public static final Set<Integer> COMMON_BAUD_RATES = Set.of(9600, 19200, 38400, 57600, 115200, 230400, 460800,
            921600);
    private static final Pattern UNIX_PORT = Pattern.compile("/dev/[A-Za-z0-9._/-]+");
    private static final Pattern WINDOWS_PORT = Pattern.compile("COM[1-9][0-9]*");

    private SettingsCheck() {
    }

    public enum Level { OK, WARNING, ERROR }

    public record Result(Level level, String message) {
        static Result ok(String message) {
            return new Result(Level.OK, message);
        }

        static Result warning(String message) {
            return new Result(Level.WARNING, message);
        }

        static Result error(String message) {
            return new Result(Level.ERROR, message);
        }
    }

    /** How long the signer client waits for each reply by default: a Raspberry Pi writing its chain to an SD card
     * under load can take seconds, and a reply given up on is a signed block the store never gets. */
    public static final int DEFAULT_SIGNER_TIMEOUT_SECONDS = 10;
    public static final int MAX_SIGNER_TIMEOUT_SECONDS = 600;

    /**
     * A setting's value as it is stored (Configuration as Code, the settings form): refused at once with the
     * check's message, prefixed by the setting's name, when the check finds an error; warnings are kept.
     */
    public static void require(Result result, String setting) {
        if (result.level() == Level.ERROR) {
            throw new FormatException(setting + ": " + result.message());
        }
    }

    public static Result signerTimeout(int seconds) {
        if (seconds < 1 || seconds > MAX_SIGNER_TIMEOUT_SECONDS) {
            return Result.error("Expected 1 to " + MAX_SIGNER_TIMEOUT_SECONDS + " seconds, e.g. "
                    + DEFAULT_SIGNER_TIMEOUT_SECONDS);
        }
        if (seconds < 5) {
            return Result.warning("A signing node on a Raspberry Pi can take longer than " + seconds + " s to answer "
                    + "under load; the client reads on for as long again before it asks again");
        }
        return Result.ok("");
    }

    /** How long a CI step waits for the signer's agent to come online (a restarted controller, a reconnect). */
    public static final int DEFAULT_AGENT_WAIT_SECONDS = 300;

    public static Result agentWait(int seconds) {
        if (seconds < 0 || seconds > 86400) {
            return Result.error("Expected 0 (do not wait) to 86400 seconds, e.g. " + DEFAULT_AGENT_WAIT_SECONDS);
        }
        return seconds == 0 ? Result.warning("A step fails at once while the signer agent reconnects") : Result.ok("");
    }

    /** An agent that a label expression matched. */
    public record Agent(String name, boolean online) {
    }

    public static Result signerKey(String value) {
        if (value == null || value.isBlank()) {
            return Result.warning("No signer key pinned: a block from any signer would be accepted. Paste the key "
                    + "'buildchain signer' printed when it started (52 base32 characters).");
        }
        try {
            return Result.ok("Ed25519 key " + PublicKey.parse(value.strip(), "signer key"));
        } catch (BuildchainException e) {
            return Result.error(e.getMessage());
        }
    }

    public static Result trustedKeys(String text) {
        KeyList keys;
        try {
            keys = parseTrustedKeys(text);
        } catch (BuildchainException e) {
            return Result.error(e.getMessage());
        }
        if (keys.size() == 0) {
            return Result.warning("No builder is trusted yet, so no quorum can be met. Add one key per line "
                    + "(BASE32KEY [label]), or trust a key from the agent's Build chain page.");
        }
        return Result.ok(keys.size() + " trusted builder key(s)" + (keys.hasOperators() ? ", run by "
                + keys.operatorCount() + " distinct operator(s)" : ""));
    }

    /** The trusted builder keys field: one {@code BASE32KEY [label] [operator=NAME]} per line, '#' comments. */
    public static KeyList parseTrustedKeys(String text) {
        return KeyList.parse(text == null ? "" : text, "trusted builder keys");
    }

    public static Result serialPort(String value) {
        if (value == null || value.isBlank()) {
            return Result.error("The signer's serial port is required, as a path on the signer agent, e.g. "
                    + "/dev/ttyUSB0 (or COM3 on Windows)");
        }
        String port = value.strip();
        if (UNIX_PORT.matcher(port).matches() && !port.contains("/../")) {
            return Result.ok("");
        }
        if (WINDOWS_PORT.matcher(port).matches()) {
            return Result.ok("");
        }
        // A stable link to a pseudo-terminal (socat's link=) may live anywhere; it is opened as a serial port all the same.
        if (port.startsWith("/") && !port.endsWith("/") && !("/" + port + "/").contains("/../")
                && !("/" + port + "/").contains("/./")) {
            return Result.warning("\"" + port + "\" is outside /dev: fine for a link to a pseudo-terminal (socat "
                    + "link=...); a signing node on a real line is normally /dev/serial/by-id/...");
        }
        return Result.error("\"" + port + "\" is not a serial port path: expected /dev/NAME (e.g. /dev/ttyUSB0, "
                + "/dev/serial/by-id/...) or COMn");
    }

    public static Result baud(int baud) {
        if (baud <= 0) {
            return Result.error("The baud rate must be a positive number, e.g. 115200");
        }
        if (!COMMON_BAUD_RATES.contains(baud)) {
            return Result.warning(baud + " is not a common baud rate; the signer must use the same rate");
        }
        return Result.ok("");
    }

    /** @param trustedKeys how many distinct operators run the trusted keys (a key without one is its own) */
    public static Result quorum(int quorum, int trustedKeys) {
        if (quorum < 1) {
            return Result.error("The quorum must be at least 1");
        }
        if (trustedKeys > 0 && quorum > trustedKeys) {
            return Result.error("A quorum of " + quorum + " can never be met by the " + trustedKeys
                    + " trusted builder key(s) (counted by operator)");
        }
        if (quorum == 1) {
            return Result.warning("A quorum of 1 trusts a single builder: one compromised agent could publish "
                    + "what it likes. Use 2 or more independent builders.");
        }
        return Result.ok("");
    }

    /** @param matching the agents the label expression matches */
    public static Result signerLabel(String label, List<Agent> matching) {
        if (label == null || label.isBlank()) {
            return Result.error("The label of the agent the signer's serial line is attached to is required");
        }
        if (matching.isEmpty()) {
            return Result.error("No agent has the label \"" + label.strip() + "\"");
        }
        List<String> online = matching.stream().filter(Agent::online).map(Agent::name).toList();
        if (online.isEmpty()) {
            return Result.warning("\"" + label.strip() + "\" matches " + String.join(", ",
                    matching.stream().map(Agent::name).toList()) + ", but none is online now");
        }
        if (matching.size() > 1) {
            return Result.warning("\"" + label.strip() + "\" matches " + matching.size() + " agents; the signer is "
                    + "reached through the first online one (" + online.get(0) + "). Give it a label of its own.");
        }
        return Result.ok("Signer agent: " + online.get(0));
    }
}
