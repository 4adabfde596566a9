package io.buildchain.cli.quickstart;

import io.buildchain.cli.Main;
import io.buildchain.core.BuildchainException;
import io.buildchain.core.crypto.PublicKey;
import io.buildchain.serial.SocatPtyPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real {@code buildchain signer} process on one end of a socat pty pair; the publisher uses the other end. */
final class SignerProcess implements AutoCloseable {
    private static final String KEY_LINE = "signer public key: ";
    final SocatPtyPair line;
    final PublicKey publicKey;
    final Path log;
    private final Process process;

    private SignerProcess(SocatPtyPair line, Process process, PublicKey publicKey, Path log) {
        this.line = line;
        this.process = process;
        this.publicKey = publicKey;
        this.log = log;
    }

    static SignerProcess start(Path serialDir, Path stateDir, Path allowFile, Path log)
            throws IOException, InterruptedException {
        SocatPtyPair line = SocatPtyPair.start(serialDir);
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "signer", "--port", line.signerEnd.toString(), "--state", stateDir.toString(),
                "--allow", allowFile.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> keyLine = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String text = out.readLine(); text != null; text = out.readLine()) {
                        if (text.startsWith(KEY_LINE)) {
                            return text.substring(KEY_LINE.length());
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            });
            String key = keyLine.get(30, TimeUnit.SECONDS);
            if (key == null) {
                throw new BuildchainException("the signer process exited before printing its key; see " + log);
            }
            return new SignerProcess(line, process, PublicKey.parse(key, "signer output"), log);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            line.close();
            throw new BuildchainException("the signer process did not start; see " + log, e);
        }
    }

    /** SIGTERM, as an operator would stop it: the node finishes what is in flight and exits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        line.close();
    }
}
