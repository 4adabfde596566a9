package io.buildchain.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.buildchain.core.VerificationException;
import io.buildchain.core.testing.Network;
import io.buildchain.core.release.ReleaseRecord;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release's files are read exactly to the sizes its record signs, from a store directory as over HTTP. */
class SignedSizeTest {
    @TempDir
    Path dir;

    ChainVerifier verifier;
    ChainVerifier.Release release;
    Path appObject;

    @BeforeEach
    void publish() throws Exception {
        Network net = new Network(dir, "a", "b");
        net.publish("r1", 2);
        verifier = new ChainVerifier(StoreReader.of(net.store.root()), net.signerKey.publicKey());
        release = verifier.release("proj", "main");
        appObject = net.store.objectPath(release.manifest().files().get("app.bin"));
    }

    /** The verified release, with a record that signs {@code appBytes} as the size of app.bin. */
    ChainVerifier.Release signing(long appBytes) throws Exception {
        Map<String, Long> sizes = new TreeMap<>();
        sizes.put("app.bin", appBytes);
        sizes.put("docs/README", 9L);
        return new ChainVerifier.Release("proj", "main", release.block(), release.manifest(),
                new ReleaseRecord("proj", "main", "r1", null, release.manifest().time(), new TreeMap<>(sizes)));
    }

    @Test
    void theRightSizeIsReadAndTheRecordIsBoundByItsOwnLength() throws Exception {
        long size = Files.size(appObject);
        ChainVerifier.Release signed = signing(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        verifier.copyFile(signed, "app.bin", out);
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(appObject));
        assertThat(signed.signedSize(ReleaseRecord.NAME)).hasValue(signed.record().render().length);
        assertThat(release.signedSize("app.bin")).as("no record, no signed size").isEqualTo(OptionalLong.empty());
    }

    @Test
    void anObjectLongerThanItsSignedSizeIsNotReadPastIt() throws Exception {
        long size = Files.size(appObject);
        assertThatThrownBy(() -> verifier.copyFile(signing(size - 1), "app.bin", new ByteArrayOutputStream()))
                .isInstanceOf(VerificationException.class)
                .hasMessage("file \"app.bin\": expected " + (size - 1) + " bytes (its signed size), received " + size
                        + " from " + appObject + "; stopped reading");
    }

    @Test
    void anObjectShorterThanItsSignedSizeIsRefused() throws Exception {
        long size = Files.size(appObject);
        assertThatThrownBy(() -> verifier.copyFile(signing(size + 1), "app.bin", new ByteArrayOutputStream()))
                .isInstanceOf(VerificationException.class)
                .hasMessage("file \"app.bin\": expected " + (size + 1) + " bytes (its signed size), received " + size
                        + " from " + appObject);
    }

    @Test
    void aRefusedDownloadLeavesNoFileBehind() throws Exception {
        Path target = dir.resolve("dl");
        Downloader downloader = new Downloader(verifier, signing(Files.size(appObject) + 1));
        assertThatThrownBy(() -> downloader.downloadAll(target)).hasMessageContaining("its signed size");
        assertThat(target).as("nothing, not even the directory the download made").doesNotExist();
    }
}
