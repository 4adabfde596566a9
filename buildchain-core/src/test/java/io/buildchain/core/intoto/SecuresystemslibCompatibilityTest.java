package io.buildchain.core.intoto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.buildchain.core.Json;
import io.buildchain.core.crypto.SigningKey;
import io.buildchain.core.testing.Network;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our canonical JSON, keyids and signatures against Debian's securesystemslib and in-toto (python3-securesystemslib,
 * in-toto; installed by .ci/run): byte for byte on strings that trip encoders (quotes, backslashes, control
 * characters, non-ASCII, characters beyond the BMP, keys that sort differently by UTF-16 unit and by code point).
 */
class SecuresystemslibCompatibilityTest {
    @TempDir
    Path dir;

    String python(String program, Path... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", program));
        for (Path arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("python3 with securesystemslib and in-toto (apt-get install in-toto): %s", out)
                .isZero();
        return out;
    }

    @Test
    void canonicalJsonIsSecuresystemslibsByteForByte() throws Exception {
        ObjectNode tricky = Json.MAPPER.createObjectNode();
        tricky.put("quote\"and\\backslash", "line\nfeed\ttab\u0001\u007f é 😀 \uFB00");
        tricky.put("\uFB00", 1);
        tricky.put("😀", -12345678901234L);
        tricky.put("", true);
        tricky.putNull("z");
        tricky.putArray("list").add("b").add(2).addObject().put("nested", false);
        tricky.put("A", "upper sorts first");
        Path file = dir.resolve("tricky.json");
        Files.write(file, Json.MAPPER.writeValueAsBytes(tricky));
        Path ours = dir.resolve("ours");
        Files.write(ours, CanonicalJson.encode(tricky));
        String same = python("import json,sys\nfrom securesystemslib.formats import encode_canonical\n"
                + "theirs = encode_canonical(json.load(open(sys.argv[1], encoding='utf-8'))).encode('utf-8')\n"
                + "print(theirs == open(sys.argv[2], 'rb').read())", file, ours);
        assertThat(same.strip()).isEqualTo("True");
    }

    @Test
    void keyidsAndSignaturesAreWhatInTotoComputesAndChecks() throws Exception {
        SigningKey key = SigningKey.generate(Network.RANDOM);
        InTotoKey ours = new InTotoKey(key.publicKey());
        Path pub = dir.resolve("key.pub");
        Files.write(pub, Json.MAPPER.writeValueAsBytes(ours.publicJson()));
        ObjectNode link = Json.MAPPER.createObjectNode().put("_type", "link").put("name", BuildLink.STEP);
        link.putObject("materials");
        link.putObject("products").putObject("naïve \"x\".txt").put("sha256", "ab".repeat(32));
        link.putObject("byproducts");
        link.putArray("command");
        link.putObject("environment");
        Path signed = dir.resolve("build.link");
        Files.write(signed, SignedMetadata.sign(link, key).toJson());
        String out = python("import sys\nfrom securesystemslib.interface import import_ed25519_publickey_from_file\n"
                + "from in_toto.models.metadata import Metablock\n"
                + "key = import_ed25519_publickey_from_file(sys.argv[1])\n"
                + "Metablock.load(sys.argv[2]).verify_signature(key)\n"
                + "print(key['keyid'])", pub, signed);
        assertThat(out.strip()).isEqualTo(ours.keyid());
        assertThat(SignedMetadata.parse(Files.readAllBytes(signed), "link").signedBy(key.publicKey())).isTrue();
        assertThat(SignedMetadata.parse(Files.readAllBytes(signed), "link")
                .signedBy(SigningKey.generate(Network.RANDOM).publicKey())).isFalse();
    }
}
