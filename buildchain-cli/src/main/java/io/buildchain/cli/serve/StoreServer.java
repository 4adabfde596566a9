package io.buildchain.cli.serve;

import io.buildchain.core.BuildchainException;
import io.buildchain.core.store.Store;
import io.buildchain.core.submit.SubmissionInbox;
import io.buildchain.core.submit.SubmissionRejectedException;
import io.buildchain.core.submit.UploadPace;
import io.buildchain.core.view.ChainPages;
import io.buildchain.core.view.FileReply;
import io.buildchain.core.view.StoreRoutes;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/** Embedded Jetty serving a store read-only: the original layout for downloaders, and the chain pages. */
public final class StoreServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private StoreServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Starts serving {@code store} on {@code host:port} (port 0 picks a free one), read-only. */
    public static StoreServer start(Store store, String host, int port) throws Exception {
        return start(store, null, host, port);
    }

    /** As {@link #start(Store, String, int)}, also taking submissions into {@code inbox} when it is not null. */
    public static StoreServer start(Store store, SubmissionInbox inbox, String host, int port) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        // A file name may contain '%': allow "%25" in paths. The handler decodes once and checks every segment.
        http.setUriCompliance(UriCompliance.DEFAULT.with("buildchain", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new StoreHandler(store, inbox));
        try {
            server.start();
        } catch (java.io.IOException e) {
            server.stop();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.net.BindException) {
                throw new io.buildchain.core.BuildchainException(host + ":" + port + ": address already in use (another "
                        + "server listens there; pick another --bind port, or 0 for a free one)");
            }
            throw new io.buildchain.core.BuildchainException(host + ":" + port + ": cannot listen: " + cause.getMessage());
        }
        return new StoreServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The adapter: HTTP in, {@link StoreRoutes} decides, HTTP out. */
    private static final class StoreHandler extends Handler.Abstract {
        private final Store store;
        private final SubmissionInbox inbox;

        StoreHandler(Store store, SubmissionInbox inbox) {
            this.store = store;
            this.inbox = inbox;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String method = request.getMethod();
            // Jetty's canonical path leaves some characters (a space) encoded; decode the raw path exactly once.
            // StoreRoutes then checks every segment, so a decoded '/' or '..' cannot reach outside the store.
            String path = URIUtil.decodePath(request.getHttpURI().getPath());
            if (inbox != null && path.startsWith("/submit/") && "POST".equals(method)) {
                submit(request, response, callback, path.substring("/submit/".length()));
                return true;
            }
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Response.writeError(request, response, callback, 405);
                return true;
            }
            String relative = path.startsWith("/") ? path.substring(1) : path;
            String origin = request.getHttpURI().getScheme() + "://" + request.getHttpURI().getAuthority() + "/";
            StoreRoutes.Answer answer = new StoreRoutes(store, new ChainPages("/", origin)).resolve(relative);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (answer instanceof StoreRoutes.Page page) {
                response.setStatus(page.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, page.contentType());
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(head ? new byte[0] : body), callback);
                return true;
            }
            sendFile(request, response, callback, (StoreRoutes.StoreFile) answer, head);
            return true;
        }

        /** {@code POST /submit/PROJECT/BRANCH} with a submission package as the body. */
        private void submit(Request request, Response response, Callback callback, String target) {
            int status;
            String message;
            String[] parts = target.split("/", -1);
            long length = request.getLength();
            if (parts.length != 2) {
                status = 404;
                message = "expected POST /submit/PROJECT/BRANCH";
            } else if (length < 0) {
                status = 411;
                message = "Content-Length is required";
            } else if (length > inbox.maxBytes()) {
                status = 413;
                message = "upload of " + length + " bytes is larger than the " + inbox.maxBytes() + " allowed";
            } else {
                // A stalled upload fails its read within seconds; UploadPace then holds it to its deadlines.
                request.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(UploadPace.IDLE.toMillis());
                try (InputStream body = Content.Source.asInputStream(request)) {
                    SubmissionInbox.Accepted accepted = inbox.accept(parts[0], parts[1], body);
                    status = accepted.replaced() ? 200 : 201;
                    message = "accepted " + accepted.files() + " file(s) of manifest " + accepted.manifest() + " from "
                            + accepted.builder() + " for " + accepted.project() + "/" + accepted.branch()
                            + (accepted.replaced() ? " (replacing its earlier submission)" : "")
                            + "; " + accepted.agreeing().size() + " distinct trusted operator(s) have now submitted it ("
                            + String.join(", ", accepted.agreeing()) + "); it waits in submissions/ until the publisher "
                            + "runs 'buildchain publish --from-submissions' and the quorum is met";
                } catch (SubmissionRejectedException e) {
                    status = e.status();
                    message = e.getMessage();
                } catch (BuildchainException e) {
                    status = 400;
                    message = e.getMessage();
                } catch (Exception e) {
                    // The details name paths on this server: they go to its log, not to the client.
                    System.err.println("submission to " + target + " failed: " + e);
                    status = 500;
                    message = "could not store the submission (the server's log says why)";
                }
            }
            response.setStatus(status);
            if (status == 429 || status == 503 || status == 408) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "10");
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
        }

        private static void sendFile(Request request, Response response, Callback callback, StoreRoutes.StoreFile file,
                boolean head) throws Exception {
            FileReply reply = FileReply.plan(file, request.getHeaders().get(HttpHeader.IF_NONE_MATCH),
                    request.getHeaders().get(HttpHeader.RANGE));
            reply.headers().forEach(response.getHeaders()::put);
            if (reply.status() == 416) {
                Response.writeError(request, response, callback, 416);
                return;
            }
            response.setStatus(reply.status());
            if (head || !reply.hasBody()) {
                callback.succeeded();
                return;
            }
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                reply.copyBody(out);
            }
            callback.succeeded();
        }
    }
}
