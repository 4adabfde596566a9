package io.buildchain.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol (JSON over a WebSocket), with the flags
 * this closed network needs. Just enough to open pages, click, read text, download and take screenshots.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Session browser;
    private final Session page;

    private HeadlessChromium(Process process, Session browser, Session page) {
        this.process = process;
        this.browser = browser;
        this.page = page;
    }

    static HeadlessChromium start(Path profile) throws Exception {
        Path binary = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("the browser test needs Debian's chromium (apt-get install chromium)");
        }
        Files.createDirectories(profile);
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not start; see " + profile.resolve("chromium.log"));
            }
            Thread.sleep(50);
        }
        var lines = Files.readAllLines(portFile);
        String http = "http://127.0.0.1:" + lines.get(0).trim();
        HttpClient client = HttpClient.newHttpClient();
        Session browser = Session.open(client, "ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        JsonNode target = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(http + "/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
        Session page = Session.open(client, target.get("webSocketDebuggerUrl").asText());
        page.call("Page.enable", Map.of());
        return new HeadlessChromium(process, browser, page);
    }

    /** Saves downloads into {@code dir}. */
    void downloadTo(Path dir) throws Exception {
        browser.call("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", dir.toString()));
    }

    /** A phone-sized viewport. */
    void phone() throws Exception {
        viewport(390, 844, true);
    }

    /** A viewport {@code width} CSS pixels wide (a phone's at twice the pixels, as phones draw). */
    void viewport(int width, int height, boolean mobile) throws Exception {
        page.call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor",
                mobile ? 2 : 1, "mobile", mobile));
    }

    /** Whether the page is no wider than the viewport (nothing to scroll sideways). */
    boolean fitsWidth() throws Exception {
        return "true".equals(evaluate("document.documentElement.scrollWidth <= window.innerWidth"));
    }

    /**
     * Runs axe-core (its source, as npm installed it) on the current page; returns its violations of impact
     * serious or critical, one line each (rule, impact, where), empty when there are none.
     */
    String axeSeriousViolations(String axeSource) throws Exception {
        evaluate(axeSource + ";'loaded'");
        JsonNode result = page.call("Runtime.evaluate", Map.of("expression", "axe.run(document, {resultTypes: "
                + "['violations']}).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === "
                + "'critical').map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => "
                + "n.target.join(' ')).join(', ')).join('\\n'))", "awaitPromise", true, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("axe-core failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value").asText();
    }

    void open(String url) throws Exception {
        page.call("Page.navigate", Map.of("url", url));
        awaitLoaded();
    }

    /** Clicks the first element matching {@code selector}; fails if there is none. */
    void click(String selector) throws Exception {
        String found = evaluate("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector)
                + "); if (!e) return 'missing'; e.click(); return 'clicked'; })()");
        if (!found.equals("clicked")) {
            throw new AssertionError("no element matches " + selector + " on " + evaluate("location.href"));
        }
    }

    void awaitLoaded() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Thread.sleep(100);
        while (!"complete".equals(evaluate("document.readyState"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("page did not load: " + evaluate("location.href"));
            }
            Thread.sleep(50);
        }
    }

    String evaluate(String expression) throws Exception {
        JsonNode result = page.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return result.path("result").path("value").asText();
    }

    void screenshot(Path png) throws Exception {
        JsonNode shot = page.call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() throws Exception {
        page.close();
        browser.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** One DevTools connection: numbered calls, answers matched by id. */
    private static final class Session implements WebSocket.Listener {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Session open(HttpClient client, String url) throws Exception {
            Session session = new Session();
            session.socket = client.newWebSocketBuilder().buildAsync(URI.create(url), session).get(10, TimeUnit.SECONDS);
            return session;
        }

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", JSON.valueToTree(params));
            socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            JsonNode reply = answer.get(30, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IOException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
