package io.github.mctunnel.emulator.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a raw socket: sends exactly the request line and headers it is
 * given (any Host, Origin or malformed target), one request per connection, with a read timeout,
 * and reports a reset or a timeout instead of throwing.
 */
final class RawHttp {

    /** What came back: a status (or -1 with {@code failure} "reset"/"timeout"), headers, body. */
    record Answer(int status, Map<String, String> headers, byte[] body, String failure) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The service error code of a JSON or XML error body, or null. */
        String code() {
            String t = text();
            int j = t.indexOf("\"Code\":\"");
            if (j >= 0) {
                return t.substring(j + 8, t.indexOf('"', j + 8));
            }
            int x = t.indexOf("<Code>");
            if (x >= 0) {
                return t.substring(x + 6, t.indexOf("</Code>", x));
            }
            return null;
        }

        @Override
        public String toString() {
            return failure != null ? failure : status + " " + text();
        }
    }

    private RawHttp() {}

    static Answer send(
            int port, String method, String target, Map<String, String> headers, byte[] body) {
        return send(port, method, target, headers, body, 20_000);
    }

    static Answer send(
            int port,
            String method,
            String target,
            Map<String, String> headers,
            byte[] body,
            int timeoutMillis) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(timeoutMillis);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            boolean hasHost = false;
            for (Map.Entry<String, String> h : headers.entrySet()) {
                hasHost |= h.getKey().equalsIgnoreCase("Host");
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            if (!hasHost) {
                head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (SocketException answeredEarly) {
                    // The server may answer (and close) before reading all of a refused body.
                }
            }
            out.flush();
            return read(s.getInputStream());
        } catch (SocketTimeoutException e) {
            return new Answer(-1, Map.of(), new byte[0], "timeout");
        } catch (IOException e) {
            return new Answer(-1, Map.of(), new byte[0], "reset: " + e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            if (all.size() == 0) {
                throw reset;
            }
        }
        byte[] bytes = all.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        // skip interim answers (100 Continue) before the final one
        while (text.startsWith("HTTP/1.1 1") && end >= 0 && end + 4 < bytes.length) {
            bytes = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
            text = new String(bytes, StandardCharsets.ISO_8859_1);
            end = text.indexOf("\r\n\r\n");
        }
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("not an HTTP answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, c).toLowerCase(Locale.ROOT),
                    lines[i].substring(c + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Answer(status, headers, rest, null);
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (p < raw.length) {
            int eol = p;
            while (eol + 1 < raw.length && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
                eol++;
            }
            String size = new String(raw, p, eol - p, StandardCharsets.ISO_8859_1).trim();
            int semi = size.indexOf(';');
            int len = Integer.parseInt(semi < 0 ? size : size.substring(0, semi), 16);
            if (len == 0) {
                break;
            }
            out.write(raw, eol + 2, Math.min(len, raw.length - eol - 2));
            p = eol + 2 + len + 2;
        }
        return out.toByteArray();
    }
}
