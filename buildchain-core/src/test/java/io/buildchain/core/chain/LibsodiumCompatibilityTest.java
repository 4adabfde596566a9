package io.buildchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.hash.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pihsm verifies with libsodium (PyNaCl), which is stricter than the TweetNaCl port buildchain uses. Our
 * geneses, requests and blocks must pass libsodium as pihsm calls it, and a tampered one must not.
 * Needs Debian's python3-nacl (installed by .ci/run).
 */
class LibsodiumCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void ourMessagesVerifyWithLibsodiumAsPihsmVerifiesThem() throws Exception {
        SecureRandom random = new SecureRandom();
        List<Path> files = new ArrayList<>();
        SigningKey signer = SigningKey.generate(random);
        ChainSigner hsm = ChainSigner.startingAt(Genesis.create(signer), signer);
        files.add(write("genesis", Genesis.create(signer).bytes()));
        for (int b = 0; b < 5; b++) {
            SigningKey builder = SigningKey.generate(random);
            SignedRequest request = new BuilderChain(dir.resolve("builder" + b)).request(builder,
                    Digest.of(("release " + b).getBytes()), 1700000000L + b);
            files.add(write("request" + b, request.bytes()));
            files.add(write("block" + b, hsm.sign(request.bytes(), 1700000100L + b)));
        }
        byte[] tampered = Files.readAllBytes(files.get(files.size() - 1));
        tampered[300] ^= 1;
        Path bad = write("tampered", tampered);

        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                Path.of(getClass().getResource("/pynacl_verify.py").toURI()).toString()));
        files.forEach(f -> command.add(f.toString()));
        command.add(bad.toString());
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(python.getInputStream().readAllBytes()).lines().toList();
        assertThat(python.waitFor()).as("python3-nacl missing? (apt-get install python3-nacl): %s", lines).isZero();
        assertThat(lines).hasSize(files.size() + 1);
        assertThat(lines.subList(0, files.size())).allMatch(line -> line.startsWith("OK "));
        assertThat(lines.get(files.size())).startsWith("BAD " + bad);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
