package io.github.mctunnel.client.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A raw-socket HTTP/1.1 server double: records every request exactly as received (headers, raw
 * target, body, chunked or not) and answers with scripted replies, optionally cutting the body
 * short to simulate a dropped connection. Every reply closes the connection.
 */
public final class FakeHttpServer implements AutoCloseable {

    /** A request as received. */
    public record Recorded(
            String method,
            String rawTarget,
            String path,
            Map<String, String> params,
            List<String[]> headerList,
            byte[] body,
            boolean chunked) {

        /** Header value by name (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Headers as a map with the names as sent. */
        public Map<String, String> headers() {
            Map<String, String> map = new LinkedHashMap<>();
            for (String[] h : headerList) {
                map.put(h[0], h[1]);
            }
            return map;
        }
    }

    /**
     * A scripted answer; {@code cutBodyAfter} >= 0 sends only that many body bytes, then resets.
     */
    public record Reply(int status, Map<String, String> headers, byte[] body, int cutBodyAfter) {

        public static Reply of(int status, String body, String... headerPairs) {
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 0; i < headerPairs.length; i += 2) {
                h.put(headerPairs[i], headerPairs[i + 1]);
            }
            return new Reply(status, h, body.getBytes(StandardCharsets.UTF_8), -1);
        }

        public static Reply json(String body, String... headerPairs) {
            return of(200, body, headerPairs);
        }

        public Reply cutAfter(int bytes) {
            return new Reply(status, headers, body, bytes);
        }

        /** Closes the connection without any answer. */
        public static Reply drop() {
            return new Reply(-1, Map.of(), new byte[0], -1);
        }
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Recorded, Reply> handler =
            r -> Reply.of(404, "{\"Code\":\"NoHandler\"}");
    private volatile boolean closed;

    public FakeHttpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-http-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    public String hostPort() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public void handler(Function<Recorded, Reply> handler) {
        this.handler = handler;
    }

    /**
     * Answers the next requests with {@code replies} in order, then 500 for any further request.
     */
    public void script(Reply... replies) {
        List<Reply> queue = Collections.synchronizedList(new ArrayList<>(List.of(replies)));
        handler =
                r ->
                        queue.isEmpty()
                                ? Reply.of(
                                        500, "{\"Code\":\"Unscripted\",\"Message\":\"no reply\"}")
                                : queue.remove(0);
    }

    public List<Recorded> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "fake-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            String requestLine = readLine(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            String[] parts = requestLine.split(" ");
            List<String[]> headers = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(
                        new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
            }
            String te = find(headers, "Transfer-Encoding");
            String cl = find(headers, "Content-Length");
            byte[] body;
            boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
            if (chunked) {
                body = readChunked(in);
            } else if (cl != null) {
                body = in.readNBytes(Integer.parseInt(cl.trim()));
            } else {
                body = new byte[0];
            }
            String target = parts[1];
            int q = target.indexOf('?');
            String path = decode(q < 0 ? target : target.substring(0, q));
            Map<String, String> params = new LinkedHashMap<>();
            if (q >= 0) {
                for (String pair : target.substring(q + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq < 0) {
                        params.put(decode(pair), null);
                    } else {
                        params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                    }
                }
            }
            Recorded recorded =
                    new Recorded(parts[0], target, path, params, headers, body, chunked);
            requests.add(recorded);
            Reply reply = handler.apply(recorded);
            if (reply.status() < 0) {
                s.setSoLinger(true, 0);
                return;
            }
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder();
            head.append("HTTP/1.1 ").append(reply.status()).append(" X\r\n");
            for (Map.Entry<String, String> h : reply.headers().entrySet()) {
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            head.append("Content-Length: ").append(reply.body().length).append("\r\n");
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (reply.cutBodyAfter() >= 0) {
                out.write(reply.body(), 0, Math.min(reply.cutBodyAfter(), reply.body().length));
                out.flush();
                s.setSoLinger(true, 0);
                return;
            }
            out.write(reply.body());
            out.flush();
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static String find(List<String[]> headers, String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
    }
}
