package io.github.mctunnel.client.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection settings of the HTTP transport.
 *
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout read timeout: longest silence on an open connection
 * @param maxConnections pool size (also the per-route limit)
 * @param userAgent value of {@code User-Agent} and {@code x-odps-user-agent}
 */
public record TransportSettings(
        Duration connectTimeout, Duration socketTimeout, int maxConnections, String userAgent) {

    public static final String DEFAULT_USER_AGENT = "mctunnel-java/0.1";

    public TransportSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "maxConnections must be >= 1, got " + maxConnections);
        }
        userAgent = userAgent == null ? DEFAULT_USER_AGENT : userAgent;
    }

    /** Connect 10 s, read 300 s (the service's reader lifetime), 64 connections. */
    public static TransportSettings defaults() {
        return new TransportSettings(
                Duration.ofSeconds(10), Duration.ofSeconds(300), 64, DEFAULT_USER_AGENT);
    }
}
