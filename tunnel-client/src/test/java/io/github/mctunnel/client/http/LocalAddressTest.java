package io.github.mctunnel.client.http;

import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.error.ErrorContext;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Connections are made from the configured local address (the address the service sees). */
class LocalAddressTest {

    @Test
    void connectionsComeFromTheConfiguredLocalAddress() throws Exception {
        // all of 127.0.0.0/8 answers on Linux (not on macOS)
        assumeTrue(
                System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"));
        InetAddress local = InetAddress.getByName("127.0.0.3");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<InetAddress> seen =
                    CompletableFuture.supplyAsync(() -> acceptAndAnswer(server));
            TransportSettings settings =
                    new TransportSettings(
                            Duration.ofSeconds(5), Duration.ofSeconds(5), 1, null, local);
            try (HttpTransport transport =
                    new HttpTransport(
                            settings,
                            new RequestSigner(
                                    StaticCredentialsProvider.of("ak", "sk"),
                                    null,
                                    Clock.systemUTC()),
                            "p",
                            Clock.systemUTC())) {
                URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort());
                transport
                        .open(
                                TunnelRequest.builder("GET", uri, "/r")
                                        .context(ErrorContext.of("probe"))
                                        .build())
                        .close();
            }
            assertThat(seen.get()).isEqualTo(local);
        }
    }

    @Test
    void theSystemPropertyTakesIpLiteralsOfThisHostOnly() {
        assertThat(TransportSettings.localAddressFrom(null)).isNull();
        assertThat(TransportSettings.localAddressFrom(" 127.0.0.2 ").getHostAddress())
                .isEqualTo("127.0.0.2");
        assertThatThrownBy(() -> TransportSettings.localAddressFrom("example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mctunnel.http.local-address must be an IP address, got 'example.com'");
    }

    private static InetAddress acceptAndAnswer(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            // read the request head
            int matched = 0;
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return socket.getInetAddress();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
