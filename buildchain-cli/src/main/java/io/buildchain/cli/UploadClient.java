package io.buildchain.cli;

import io.buildchain.core.verify.StoreReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.PathRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;

/**
 * {@code POST} of a file on Jetty's HttpClient that hears the server out. It sends {@code Expect: 100-continue}, so
 * a server may refuse from the head before any of the body goes (serve's 413 for an upload too large for it): Jetty
 * drops an answer it has not read yet once a send fails, as it does when a server answers early and closes. An answer
 * that comes while the body still goes out on an open connection ends the upload. A connection on which no byte
 * moves for {@link StoreReader#headersDeadline()} is given up on (a server that takes no more of the body, or says
 * neither 100 Continue nor a status), and once the body is sent the whole answer gets that long; it is at most
 * {@link #MAX_ANSWER} bytes. HTTPS trusts the JDK's certificate authorities and checks the host name (Jetty's
 * default).
 */
final class UploadClient {
    static final int MAX_ANSWER = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /** The server's answer: its status and its body as text. */
    record Answer(int status, String body) {
    }

    private UploadClient() {
    }

    static Answer post(URI target, String contentType, Path body) throws IOException {
        return post(target, contentType, body, StoreReader.headersDeadline());
    }

    /** As {@link #post(URI, String, Path)}, with {@code deadline} for a stall and for the answer (tests). */
    static Answer post(URI target, String contentType, Path body, Duration deadline) throws IOException {
        String where = "POST " + target;
        if (!"http".equalsIgnoreCase(target.getScheme()) && !"https".equalsIgnoreCase(target.getScheme())) {
            throw new IOException(where + ": not an http or https URL");
        }
        long length = Files.size(body);
        HttpClient client = new HttpClient();
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setIdleTimeout(deadline.toMillis());
        client.setFollowRedirects(false);
        client.getContentDecoderFactories().clear(); // no Accept-Encoding: the answer is short text
        try {
            client.start();
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            AtomicLong sentBytes = new AtomicLong();
            // Expect: 100-continue lets a server refuse from the head before any body is sent (serve's 413): Jetty
            // aborts an answer it has not yet read when a send fails, and a server that answers early closes.
            Request request = client.POST(target).body(new PathRequestContent(contentType, body))
                    .headers(headers -> headers.put(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString()))
                    .onRequestContent((r, chunk) -> sentBytes.addAndGet(chunk.remaining()))
                    .onRequestSuccess(r -> sent.complete(null))
                    .onRequestFailure((r, failure) -> sent.complete(null));
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            IOException tooLong = new IOException(where + ": the answer is longer than " + MAX_ANSWER + " bytes");
            request.send(new Response.Listener() {
                @Override
                public void onContent(Response response, ByteBuffer content) {
                    if (text.size() + content.remaining() > MAX_ANSWER) {
                        answer.completeExceptionally(tooLong);
                        response.abort(tooLong);
                        return;
                    }
                    byte[] bytes = new byte[content.remaining()];
                    content.get(bytes);
                    text.writeBytes(bytes);
                }

                @Override
                public void onSuccess(Response response) {
                    // The server has said all: what is still being sent ends with client.stop() below.
                    answer.complete(new Answer(response.getStatus(), text.toString(StandardCharsets.UTF_8)));
                }

                @Override
                public void onComplete(Result result) {
                    if (result.isFailed()) {
                        answer.completeExceptionally(failure(where, result, sentBytes.get(), length, deadline));
                    }
                }
            });
            CompletableFuture.anyOf(answer, sent).exceptionally(failure -> null).get(); // bounded by the idle timeout
            try {
                return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException(where + ": no complete response within " + deadline.toSeconds()
                        + " s of sending the body");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(where + ": interrupted");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) { // HttpClient.start and the wait above declare Exception
            throw new IOException(where + ": " + e.getMessage(), e);
        } finally {
            try {
                client.stop();
            } catch (Exception e) {
                // the answer (or its failure) is what counts
            }
        }
    }

    /** One line for an upload that brought no answer: the address and what went wrong. */
    private static IOException failure(String where, Result result, long sent, long length, Duration deadline) {
        Throwable failure = result.getResponseFailure() != null ? result.getResponseFailure() : result.getFailure();
        String progress = " (after " + sent + " of " + length + " bytes of the body)";
        if (failure instanceof ConnectException) {
            URI target = result.getRequest().getURI();
            return new ConnectException(where + ": connection refused at " + target.getHost() + ":"
                    + result.getRequest().getPort());
        }
        if (failure instanceof TimeoutException) {
            return new IOException(where + ": no byte moved for " + deadline.toSeconds()
                    + " s" + progress + " and the server did not answer");
        }
        if (failure instanceof SSLException) {
            return new IOException(where + ": TLS failed: " + failure.getMessage());
        }
        String why = failure instanceof EOFException || failure instanceof ClosedChannelException
                ? "the server closed the connection" : failure.getMessage() != null ? failure.getMessage()
                : failure.getClass().getSimpleName();
        return new IOException(where + ": no response" + progress + ": " + why);
    }
}
