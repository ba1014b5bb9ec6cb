package io.github.mctunnel.client.http;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection settings of the HTTP transport.
 *
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout read timeout: longest silence on an open connection
 * @param maxConnections pool size (also the per-route limit)
 * @param userAgent value of {@code User-Agent} and {@code x-odps-user-agent}
 * @param localAddress the local address connections are made from; null lets the operating system
 *     choose (the default). A host with several network interfaces can pin the one the service sees
 *     (the service applies its retry policy per client address) with the JVM system property
 *     {@value #LOCAL_ADDRESS_PROPERTY}.
 */
public record TransportSettings(
        Duration connectTimeout,
        Duration socketTimeout,
        int maxConnections,
        String userAgent,
        InetAddress localAddress) {

    public static final String DEFAULT_USER_AGENT = "mctunnel-java/0.1";

    /** JVM system property naming the local address (an IP literal) connections are made from. */
    public static final String LOCAL_ADDRESS_PROPERTY = "mctunnel.http.local-address";

    /** Settings whose local address comes from {@value #LOCAL_ADDRESS_PROPERTY}, when set. */
    public TransportSettings(
            Duration connectTimeout, Duration socketTimeout, int maxConnections, String userAgent) {
        this(
                connectTimeout,
                socketTimeout,
                maxConnections,
                userAgent,
                localAddressFrom(System.getProperty(LOCAL_ADDRESS_PROPERTY)));
    }

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

    /**
     * The address of an IP literal (strict: four decimal octets, or an IPv6 literal; never a name
     * lookup) that this host can bind; null for null or blank.
     *
     * @throws IllegalArgumentException naming {@value #LOCAL_ADDRESS_PROPERTY} otherwise
     */
    static InetAddress localAddressFrom(String literal) {
        if (literal == null || literal.isBlank()) {
            return null;
        }
        String value = literal.trim();
        if (!isIpv4Literal(value) && !value.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?")) {
            throw new IllegalArgumentException(
                    LOCAL_ADDRESS_PROPERTY + " must be an IP address, got '" + value + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    LOCAL_ADDRESS_PROPERTY + " must be an IP address, got '" + value + "'", e);
        }
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return address;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    LOCAL_ADDRESS_PROPERTY
                            + " = "
                            + value
                            + " is not an address of this host ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    private static boolean isIpv4Literal(String value) {
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
