package io.github.mctunnel.client.http;

import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.error.ServiceErrorParser;
import io.github.mctunnel.client.error.TunnelException;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends one signed request (no retries; see {@link RetryingCaller}). Adds {@code Date}, {@code
 * User-Agent}, {@code x-odps-user-agent} and {@code curr_project}, signs exactly the headers that
 * go on the wire, and turns every non-2xx answer into a {@link TunnelException}. HttpClient's own
 * retries, redirects and content decompression are off: the tunnel protocol handles them itself.
 */
public final class HttpTransport implements Closeable {

    static final DateTimeFormatter RFC_822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                    .withZone(ZoneOffset.UTC);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final Set<String> PLAIN_HTTP_WARNED = ConcurrentHashMap.newKeySet();

    private final CloseableHttpClient client;
    private final RequestSigner signer;
    private final String project;
    private final TransportSettings settings;
    private final Clock clock;

    /**
     * @param project the default project sent as {@code curr_project} on every request, or null
     */
    public HttpTransport(
            TransportSettings settings, RequestSigner signer, String project, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.project = project;
        this.clock = Objects.requireNonNull(clock, "clock");
        PoolingHttpClientConnectionManager pool =
                PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(settings.maxConnections())
                        .setMaxConnPerRoute(settings.maxConnections())
                        .setDefaultConnectionConfig(
                                ConnectionConfig.custom()
                                        .setConnectTimeout(
                                                Timeout.ofMilliseconds(
                                                        settings.connectTimeout().toMillis()))
                                        .setSocketTimeout(
                                                Timeout.ofMilliseconds(
                                                        settings.socketTimeout().toMillis()))
                                        .build())
                        .setDefaultSocketConfig(
                                SocketConfig.custom()
                                        .setSoTimeout(
                                                Timeout.ofMilliseconds(
                                                        settings.socketTimeout().toMillis()))
                                        .build())
                        .build();
        InetAddress localAddress = settings.localAddress();
        this.client =
                HttpClients.custom()
                        .setConnectionManager(pool)
                        .setRoutePlanner(
                                new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE) {
                                    @Override
                                    protected InetAddress determineLocalAddress(
                                            HttpHost firstHop, HttpContext context) {
                                        return localAddress;
                                    }
                                })
                        .disableAutomaticRetries()
                        .disableRedirectHandling()
                        .disableContentCompression()
                        .disableCookieManagement()
                        .evictIdleConnections(
                                org.apache.hc.core5.util.TimeValue.of(60, TimeUnit.SECONDS))
                        .setDefaultRequestConfig(
                                RequestConfig.custom()
                                        .setResponseTimeout(
                                                Timeout.ofMilliseconds(
                                                        settings.socketTimeout().toMillis()))
                                        .setExpectContinueEnabled(false)
                                        .build())
                        .build();
    }

    public TransportSettings settings() {
        return settings;
    }

    /**
     * Sends the request once. On 2xx returns the open response (the caller closes it); otherwise
     * reads the error body and throws.
     *
     * @throws TunnelException with the HTTP status, service code, message and request id, or with
     *     no status for I/O failures
     */
    public TunnelResponse open(TunnelRequest request) throws TunnelException {
        Map<String, String> params = new LinkedHashMap<>(request.params());
        if (project != null && !params.containsKey("curr_project")) {
            params.put("curr_project", project);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", RFC_822.format(clock.instant()));
        headers.put("User-Agent", settings.userAgent());
        headers.put("x-odps-user-agent", settings.userAgent());
        headers.putAll(request.headers());
        try {
            signer.sign(request.method(), headers, request.resourcePath(), params);
        } catch (RequestSigner.CredentialsUnavailableException e) {
            // A transient failure of STS or the metadata service is retried with the back-off
            // (an I/O failure without response); a setup error is not.
            IOException cause = new IOException(e.getMessage());
            throw e.isPermanent()
                    ? TunnelException.permanentIo(
                            request.context(), e.getMessage() + "; not retried", cause)
                    : TunnelException.io(request.context(), cause);
        }
        if (headers.containsKey(RequestSigner.STS_TOKEN)) {
            warnOnceIfPlainHttp(request.endpoint());
        }

        String uri = buildUri(request.endpoint(), request.resourcePath(), params);
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), URI.create(uri));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            http.addHeader(h.getKey(), h.getValue());
        }
        if (request.body() != null) {
            http.setEntity(request.body().newEntity());
        }
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(RoutingSupport.determineHost(http), http, null);
        } catch (HttpException e) {
            throw failureOf(request, new IOException(e.getMessage(), e));
        } catch (IOException e) {
            if (settings.localAddress() != null && causeOf(e, BindException.class) != null) {
                throw TunnelException.permanentIo(
                        request.context(),
                        "connections to endpoint "
                                + request.endpoint()
                                + " cannot be made from the local address "
                                + settings.localAddress().getHostAddress()
                                + " ("
                                + e.getMessage()
                                + "); not retried: check the JVM property "
                                + TransportSettings.LOCAL_ADDRESS_PROPERTY
                                + " on this host",
                        e);
            }
            throw failureOf(request, e);
        }
        int status = response.getCode();
        if (status >= 200 && status < 300) {
            return new TunnelResponse(http, response);
        }
        throw errorOf(request, response);
    }

    /** Warns once per endpoint (per JVM) that an STS token goes over plain HTTP. */
    private static void warnOnceIfPlainHttp(URI endpoint) {
        if ("http".equalsIgnoreCase(endpoint.getScheme())
                && PLAIN_HTTP_WARNED.add(endpoint.toString())) {
            LOG.warn(
                    "The endpoint {} is plain http://: the STS security token is sent unencrypted"
                            + " with every request; use an https:// endpoint",
                    endpoint);
        }
    }

    /**
     * The exception of a request that got no response. An unknown host, a failed TLS handshake and
     * a refused certificate are permanent (not retried) and name the endpoint; other I/O failures
     * (refused, reset, timed out) are retryable.
     */
    static TunnelException failureOf(TunnelRequest request, IOException e) {
        URI endpoint = request.endpoint();
        Throwable certificate = causeOf(e, CertificateException.class);
        if (certificate == null && e instanceof SSLPeerUnverifiedException) {
            certificate = e;
        }
        if (certificate != null) {
            return TunnelException.permanentIo(
                    request.context(),
                    "certificate of endpoint "
                            + endpoint
                            + " not accepted ("
                            + certificate.getClass().getSimpleName()
                            + ": "
                            + certificate.getMessage()
                            + "); not retried: "
                            + CHECK_TLS,
                    e);
        }
        if (causeOf(e, SSLHandshakeException.class) != null) {
            return TunnelException.permanentIo(
                    request.context(),
                    "TLS handshake with endpoint "
                            + endpoint
                            + " failed ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + "); not retried: "
                            + CHECK_TLS,
                    e);
        }
        Throwable unknownHost = causeOf(e, UnknownHostException.class);
        if (unknownHost != null) {
            String host =
                    endpoint.getHost() != null ? endpoint.getHost() : unknownHost.getMessage();
            return TunnelException.permanentIo(
                    request.context(),
                    "unknown host "
                            + host
                            + " of endpoint "
                            + endpoint
                            + " (UnknownHostException); not retried: check the endpoint",
                    e);
        }
        return TunnelException.io(request.context(), e);
    }

    private static final String CHECK_TLS =
            "check the endpoint's certificate and the JVM's trust store";

    private static Throwable causeOf(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private TunnelException errorOf(TunnelRequest request, ClassicHttpResponse response) {
        String requestId = headerValue(response, TunnelResponse.REQUEST_ID);
        String body;
        try (response) {
            body = readLimited(response.getEntity());
        } catch (IOException e) {
            body = "(error body unreadable: " + e.getMessage() + ")";
        }
        ServiceErrorParser.ServiceError error = ServiceErrorParser.parse(body);
        long retryAfter = error.holdClientMillis();
        String retryAfterHeader = headerValue(response, "Retry-After");
        if (retryAfterHeader != null) {
            try {
                long seconds = Long.parseLong(retryAfterHeader.trim());
                long millis =
                        seconds > Long.MAX_VALUE / 1000
                                ? Long.MAX_VALUE
                                : Math.max(0, seconds) * 1000;
                retryAfter = Math.max(retryAfter, millis);
            } catch (NumberFormatException ignored) {
                // an HTTP-date Retry-After is not used by the service; the backoff applies
            }
        }
        return new TunnelException(
                response.getCode(),
                error.code(),
                error.message(),
                requestId,
                request.context(),
                retryAfter,
                null);
    }

    private static String headerValue(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    private static String readLimited(HttpEntity entity) throws IOException {
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while (out.size() < MAX_ERROR_BODY && (n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String buildUri(URI endpoint, String resourcePath, Map<String, String> params) {
        String base = endpoint.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringBuilder sb = new StringBuilder(base).append(UrlEncoding.encodePath(resourcePath));
        if (!params.isEmpty()) {
            sb.append('?').append(UrlEncoding.encodeQuery(params));
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
