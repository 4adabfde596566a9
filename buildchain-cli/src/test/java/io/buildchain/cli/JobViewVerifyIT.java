package io.buildchain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.buildchain.core.store.Store;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.FileReply;
import io.buildchain.core.view.StoreRoutes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24, found in a real Jenkins: {@code buildchain verify --quorum 2 --trust TRUSTED --url JOB_URL/buildchain/}
 * was refused ("evidence withheld") when another job's release came earlier on the same signer chain, because the
 * job's view serves only its own evidence. Here the real jar publishes both projects and verifies over loopback HTTP
 * through {@link StoreRoutes} with a job's scope, as the Jenkins view routes it.
 */
class JobViewVerifyIT {
    @TempDir
    Path dir;

    TwoBuilders builders;
    HttpServer server;

    @BeforeEach
    void twoJobsOnOneSigner() throws Exception {
        builders = new TwoBuilders(dir);
        builders.publishRelease("other", "1.0", Map.of("app", "the other job's release"));
        builders.publishRelease("hello", "1.0", Map.of("app", "hello's release"));
        StoreRoutes routes = new StoreRoutes(Store.open(dir.resolve("store")), new ChainPages("/job/hello/buildchain/",
                "http://127.0.0.1/job/hello/buildchain/", true), (project, branch) -> project.equals("hello"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/job/hello/buildchain/", exchange -> answer(exchange, routes));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The job view's HTTP side, as the Jenkins adapter sends what StoreRoutes decided. */
    private static void answer(HttpExchange exchange, StoreRoutes routes) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/job/hello/buildchain/".length());
            StoreRoutes.Answer answer = routes.resolve(path);
            if (answer instanceof StoreRoutes.StoreFile file) {
                FileReply reply = FileReply.plan(file, exchange.getRequestHeaders().getFirst("If-None-Match"),
                        exchange.getRequestHeaders().getFirst("Range"));
                reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                exchange.sendResponseHeaders(reply.status(), reply.hasBody() ? reply.count() : -1);
                if (reply.hasBody()) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        reply.copyBody(out);
                    }
                }
            } else {
                StoreRoutes.Page page = (StoreRoutes.Page) answer;
                byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(page.status(), body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    Cli.Result verifyThroughTheJob(String... extra) throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/job/hello/buildchain/";
        List<String> args = new ArrayList<>(List.of("verify", "--url", url, "-p", "hello",
                "-b", "main", "--key", "signer.pub", "--last-seen", "client.state"));
        args.addAll(List.of(extra));
        return Cli.run(dir, args.toArray(String[]::new));
    }

    @Test
    void verifyWithQuorumThroughAJobViewRecountsWhenAnotherJobReleasedFirst() throws Exception {
        Cli.Result plain = verifyThroughTheJob();
        assertThat(plain.exit()).as(plain.err()).isZero();
        Cli.Result recounted = verifyThroughTheJob("--quorum", "2", "--trust", "trusted");
        assertThat(recounted.exit()).as("stdout: %s%nstderr: %s", recounted.out(), recounted.err()).isZero();
        assertThat(recounted.out()).contains("quorum: 2 of your 2 trusted builders signed this manifest");
    }

    /** A store whose notes predate the list of counted requests: refused through the job, in one line that says why. */
    @Test
    void aJobViewOverNotesWithoutTheCountedListIsRefusedInOneLine() throws Exception {
        try (Stream<Path> logs = Files.list(dir.resolve("store").resolve("log"))) {
            for (Path log : logs.toList()) {
                Files.delete(log.resolve("counted"));
            }
        }
        Cli.Result refused = verifyThroughTheJob("--quorum", "2", "--trust", "trusted");
        assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
        assertThat(refused.errLines()).hasSize(1).first().asString().startsWith("buildchain verify: evidence withheld: ")
                .contains("no note of counted requests lists that release", "the next publish");
    }
}
