package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each of these mistakes is told in one line naming the file or address and the cause. */
class ErrorMessagesIT {
    @TempDir
    Path dir;

    String lastErrorLine(String... args) throws Exception {
        Cli.Result result = Cli.run(dir, args);
        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
        return result.errLines().get(result.errLines().size() - 1);
    }

    /** A port nothing listens on: bound, then released. */
    static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aTrustedKeysFileThatIsNotUtf8() throws Exception {
        Files.write(dir.resolve("trusted"), new byte[] {'A', 'B', (byte) 0xC3, '(', '\n'});
        assertThat(lastErrorLine("serve", "--store", "store", "--bind", "127.0.0.1:0", "--accept-submissions",
                "--trust", "trusted"))
                .isEqualTo("buildchain serve: trusted: not UTF-8 text (byte 0xc3 at offset 2); expected public keys in "
                        + "base32, one per line: BASE32KEY [label]");
    }

    @Test
    void aBinarySeedFileGivenAsThePinnedKey() throws Exception {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) 0xFF);
        Files.write(dir.resolve("signer.key"), seed);
        Files.setPosixFilePermissions(dir.resolve("signer.key"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("store"));
        assertThat(lastErrorLine("verify", "--allow-unbound-release", "--key", "signer.key", "--store", "store", "--no-last-seen"))
                .startsWith("buildchain verify: signer.key: not UTF-8 text (byte 0xff at offset 0); expected a base32 "
                        + "public key");
    }

    @Test
    void aUrlToAClosedPort() throws Exception {
        int port = closedPort();
        String url = "http://127.0.0.1:" + port + "/";
        assertThat(lastErrorLine("verify", "--allow-unbound-release", "--key", "A".repeat(52), "--url", url, "--no-last-seen"))
                .isEqualTo("buildchain verify: GET " + url + "tail/default/master: connection refused at 127.0.0.1:"
                        + port + " (is the store server running there?)");
    }

    @Test
    void submittingToAClosedPort() throws Exception {
        Cli.ok(dir, "keygen", "--out", "a.key");
        Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dir.resolve("dist/app"), "app");
        Cli.ok(dir, "manifest", "--time", "1700000000", "--out", "manifest.json", "dist");
        Cli.ok(dir, "request", "--key", "a.key", "--state", "state", "--out", "req.bin", "manifest.json");
        int port = closedPort();
        assertThat(lastErrorLine("submit", "--url", "http://127.0.0.1:" + port + "/", "--manifest", "manifest.json",
                "--request", "req.bin", "--artifacts", "dist"))
                .startsWith("buildchain submit: POST http://127.0.0.1:" + port + "/submit/default/master: connection "
                        + "refused at 127.0.0.1:" + port);
    }

    @Test
    void serveOnABusyPort() throws Exception {
        Files.createDirectories(dir.resolve("store"));
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(lastErrorLine("serve", "--store", "store", "--bind", "127.0.0.1:" + busy.getLocalPort()))
                    .startsWith("buildchain serve: 127.0.0.1:" + busy.getLocalPort() + ": address already in use");
        }
    }
}
