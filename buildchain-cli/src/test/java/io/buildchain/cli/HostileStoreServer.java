package io.buildchain.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP/1.1 server on a raw socket, so it can lie in ways a real server library refuses to
 * (a Content-Length followed by more bytes, a body cut short of its length): it serves a store directory
 * honestly, except one path, answered by {@link #hostile}.
 */
final class HostileStoreServer implements AutoCloseable {
    /** Writes a whole answer (status line, headers, body) for the real content {@code real}. */
    interface Answer {
        void send(OutputStream out, byte[] real) throws IOException, InterruptedException;
    }

    private final Path store;
    private final ServerSocket socket;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    volatile String hostilePath;
    volatile Answer hostile;

    HostileStoreServer(Path store) throws IOException {
        this.store = store;
        this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptAll, "hostile-store-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/";
    }

    /** Answers {@code path} with {@code answer} from now on. */
    void misbehave(String path, Answer answer) {
        hostilePath = path;
        hostile = answer;
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                pool.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client; OutputStream out = client.getOutputStream()) {
            String path = requestPath(client.getInputStream());
            if (path == null) {
                return;
            }
            Path file = store.resolve(path).normalize();
            byte[] real = file.startsWith(store) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            Answer answer = hostile;
            if (path.equals(hostilePath) && answer != null) {
                answer.send(out, real);
            } else if (real == null) {
                out.write(head("404 Not Found", "Content-Length: 0"));
            } else {
                out.write(head("200 OK", "Content-Length: " + real.length));
                out.write(real);
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // The client hung up on us: that is what these tests want.
        }
    }

    /** The request line's path without the leading slash; the headers are read and ignored (8 KiB at most). */
    private static String requestPath(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && request.size() < 8192) {
            request.write(b);
            String text = request.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                String target = text.substring(0, text.indexOf("\r\n")).split(" ")[1];
                return target.substring(1);
            }
        }
        return null;
    }

    /** A status line and headers, ending the connection after this answer unless a header says otherwise. */
    static byte[] head(String status, String... headers) {
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        boolean closes = true;
        for (String header : headers) {
            text.append(header).append("\r\n");
            closes &= !header.startsWith("Connection:");
        }
        if (closes) {
            text.append("Connection: close\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code chunk} as HTTP chunks until {@code limit} bytes went out or the client hangs up. */
    static void chunked(OutputStream out, byte[] chunk, long limit) throws IOException {
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (long sent = 0; sent < limit; sent += chunk.length) {
            out.write(size);
            out.write(chunk);
            out.write('\r');
            out.write('\n');
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pool.shutdownNow();
    }
}
