package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.buildchain.core.crypto.SigningKey;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** 'export in-toto' reads what it is given within a bound and refuses the rest with one line. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void aLayoutLargerThanAnyIsRefusedWithOneLine() throws Exception {
        Path layout = dir.resolve("huge.layout");
        try (RandomAccessFile file = new RandomAccessFile(layout.toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: no disk used, and more than a Java array holds
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("export", "in-toto", "--store", dir.resolve("store").toString(), "--layout",
                layout.toString(), "--root", SigningKey.generate(new SecureRandom()).publicKey().base32(), "--out",
                dir.resolve("out").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).startsWith("buildchain export in-toto: " + layout + ": larger than the ").hasLineCount(1);
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
