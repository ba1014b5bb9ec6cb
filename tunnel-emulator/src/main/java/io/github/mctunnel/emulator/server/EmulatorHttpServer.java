package io.github.mctunnel.emulator.server;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.ExceptionListener;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.bootstrap.HttpServer;
import org.apache.hc.core5.http.impl.bootstrap.ServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.StandardFilter;
import org.apache.hc.core5.http.io.HttpRequestHandler;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.HttpServerExpectationFilter;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The emulator's HTTP/1.1 server (httpcore5 classic, which sends header names as written). Runs
 * every request through the interceptors, then the handler; renders {@link ServiceException}s as
 * the service's error bodies; always drains the request body and sends {@code x-odps-request-id}.
 *
 * <p>Requests under {@link #ADMIN_PREFIX} ({@code /emulator/...}) are not service APIs: they skip
 * the interceptors (no signature, no injected faults, not logged) and go to the admin handler, but
 * only from a loopback address and without an {@code Origin} header (so no web page a browser shows
 * can send them); others are refused with 403 {@code AccessDenied}.
 */
public final class EmulatorHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatorHttpServer.class);

    /** The service closes connections idle for this long unless told otherwise. */
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);

    /** The path prefix of the emulator's own (admin) requests. */
    public static final String ADMIN_PREFIX = "/emulator";

    private final HttpServer server;
    private final Adapter adapter;

    /** A server closing connections idle for 120 s, as the service does. */
    public EmulatorHttpServer(
            InetAddress bindAddress,
            int port,
            List<RequestInterceptor> interceptors,
            RequestHandler handler) {
        this(bindAddress, port, interceptors, handler, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param idleTimeout a connection without inbound traffic for this long is closed (the limits'
     *     {@code idleConnectionTimeout})
     */
    public EmulatorHttpServer(
            InetAddress bindAddress,
            int port,
            List<RequestInterceptor> interceptors,
            RequestHandler handler,
            Duration idleTimeout) {
        this(bindAddress, port, interceptors, handler, idleTimeout, null);
    }

    /**
     * @param idleTimeout a connection without inbound traffic for this long is closed (the limits'
     *     {@code idleConnectionTimeout})
     * @param admin handler of {@code /emulator/...} requests from loopback clients; null to treat
     *     them as any other request
     */
    public EmulatorHttpServer(
            InetAddress bindAddress,
            int port,
            List<RequestInterceptor> interceptors,
            RequestHandler handler,
            Duration idleTimeout,
            RequestHandler admin) {
        this(bindAddress, port, interceptors, handler, idleTimeout, admin, Long.MAX_VALUE);
    }

    /**
     * @param maxRequestBytes largest request body (as sent) a handler may read; reading more
     *     answers 413 {@code MaxMessageLengthExceeded}, and a larger {@code Content-Length} is
     *     refused before the handler runs
     */
    public EmulatorHttpServer(
            InetAddress bindAddress,
            int port,
            List<RequestInterceptor> interceptors,
            RequestHandler handler,
            Duration idleTimeout,
            RequestHandler admin,
            long maxRequestBytes) {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxRequestBytes must be positive: " + maxRequestBytes);
        }
        Adapter adapter = new Adapter(List.copyOf(interceptors), handler, admin, maxRequestBytes);
        this.adapter = adapter;
        this.server =
                ServerBootstrap.bootstrap()
                        .setLocalAddress(bindAddress)
                        .setListenerPort(port)
                        .setSocketConfig(
                                SocketConfig.custom()
                                        .setSoTimeout(Timeout.of(idleTimeout))
                                        .setSoReuseAddress(true)
                                        .setTcpNoDelay(true)
                                        .setBacklogSize(256)
                                        .build())
                        .setConnectionFactory(new AbortableConnection.Factory())
                        .setExceptionListener(new QuietExceptionListener())
                        .setRequestRouter((request, context) -> adapter)
                        .replaceFilter(
                                StandardFilter.EXPECT_CONTINUE.name(),
                                new ServiceExpectationFilter())
                        .create();
    }

    /**
     * Refuses (403 {@code AccessDenied}) every request that carries an {@code Origin} header or a
     * {@code Host} header naming anything but a loopback address, {@code localhost} or one of
     * {@code extraHosts}: what a web page in a local browser sends (directly, or through DNS
     * rebinding), never the service's SDKs. For a server bound to a loopback address; call before
     * {@link #start()}.
     */
    public void refuseWebPages(Collection<String> extraHosts) {
        Set<String> hosts = new HashSet<>();
        for (String h : extraHosts) {
            hosts.add(h.toLowerCase(Locale.ROOT));
        }
        adapter.webGuard = hosts;
    }

    /** Whether a {@code Host} header value names this machine's loopback interface. */
    static boolean isLoopbackHost(String hostHeader, Set<String> extraHosts) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            String rest = h.substring(close + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return false;
            }
            h = h.substring(1, close);
            return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || extraHosts.contains(h);
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            if (!h.substring(colon + 1).matches("[0-9]{1,5}")) {
                return false;
            }
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
                || extraHosts.contains(h);
    }

    public void start() throws IOException {
        server.start();
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        server.initiateShutdown();
        try {
            server.awaitTermination(TimeValue.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close(CloseMode.IMMEDIATE);
    }

    private static final class Adapter implements HttpRequestHandler {
        private final List<RequestInterceptor> interceptors;
        private final RequestHandler handler;
        private final RequestHandler admin;
        private final long maxRequestBytes;

        /** Hosts allowed besides loopback ones when refusing web pages; null: no such check. */
        private volatile Set<String> webGuard;

        Adapter(
                List<RequestInterceptor> interceptors,
                RequestHandler handler,
                RequestHandler admin,
                long maxRequestBytes) {
            this.interceptors = interceptors;
            this.handler = handler;
            this.admin = admin;
            this.maxRequestBytes = maxRequestBytes;
        }

        @Override
        public void handle(
                ClassicHttpRequest request, ClassicHttpResponse response, HttpContext context)
                throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : request.getHeaders()) {
                headers.put(h.getName(), h.getValue());
            }
            HttpEntity entity = request.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            long declaredLength = entity == null ? 0 : entity.getContentLength();
            EmulatorRequest req =
                    new EmulatorRequest(
                            request.getMethod(),
                            request.getRequestUri(),
                            headers,
                            new BoundedBody(body, maxRequestBytes, "request body"),
                            RequestIds.next(),
                            clientAddress(context),
                            connection(context),
                            RequestIds.nextSequence());
            EmulatorResponse resp = new EmulatorResponse();
            if (admin != null && isAdmin(req)) {
                handleAdmin(req, resp, remoteAddress(context));
                body.transferTo(OutputStream.nullOutputStream());
                write(req, resp, response);
                return;
            }
            String errorCode = null;
            try {
                for (RequestInterceptor interceptor : interceptors) {
                    interceptor.before(req, resp);
                }
                refuseWebPage(req);
                if (req.uriError() != null) {
                    throw new ServiceException(400, "InvalidURI", req.uriError());
                }
                if (declaredLength > maxRequestBytes) {
                    throw BoundedBody.tooLarge("request body", maxRequestBytes);
                }
                handler.handle(req, resp);
            } catch (ServiceException e) {
                errorCode = e.code();
                ErrorBodies.render(req, resp, e);
            } catch (IOException e) {
                notifyCompleted(req, 0, "ConnectionReset");
                throw e;
            } catch (StackOverflowError e) {
                // Input nested too deeply for a recursive parser: the request is at fault.
                errorCode = "InvalidArgument";
                ErrorBodies.render(
                        req,
                        resp,
                        new ServiceException(
                                400, errorCode, "The request is nested too deeply to be read"));
            } catch (OutOfMemoryError e) {
                // Limits should keep every request far below this; never let it kill the JVM
                // that embeds the emulator.
                LOG.warn("Out of memory serving {}", req);
                errorCode = "MaxMessageLengthExceeded";
                ErrorBodies.render(
                        req,
                        resp,
                        new ServiceException(
                                413,
                                errorCode,
                                "The request needs more memory than the emulator has; lower its"
                                        + " size or raise the emulator's heap"));
            } catch (Exception e) {
                LOG.warn("Internal error serving {}", req, e);
                errorCode = "InternalServerError";
                ErrorBodies.render(
                        req,
                        resp,
                        new ServiceException(
                                500,
                                errorCode,
                                "Emulator internal error: "
                                        + e.getClass().getSimpleName()
                                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
            try {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                notifyCompleted(req, 0, "ConnectionReset");
                throw e;
            }
            notifyCompleted(req, resp.status(), errorCode);
            write(req, resp, response);
        }

        private void refuseWebPage(EmulatorRequest req) {
            Set<String> extra = webGuard;
            if (extra == null) {
                return;
            }
            if (req.header("Origin") != null) {
                throw new ServiceException(
                        403,
                        "AccessDenied",
                        "The emulator refuses requests with an Origin header: it serves SDKs and"
                                + " tools, not web pages");
            }
            String host = req.header("Host");
            if (host != null && !isLoopbackHost(host, extra)) {
                throw new ServiceException(
                        403,
                        "AccessDenied",
                        "The emulator is bound to a loopback address and refuses the Host '"
                                + host
                                + "' (use 127.0.0.1 or localhost)");
            }
            String type = req.header("Content-Type");
            if (type != null && !req.isMeta()) {
                int semi = type.indexOf(';');
                String media = (semi < 0 ? type : type.substring(0, semi)).trim();
                if (!media.equalsIgnoreCase("application/octet-stream")
                        && !media.equalsIgnoreCase("application/json")) {
                    throw new ServiceException(
                            415,
                            "UnexpectedContent",
                            "Tunnel requests carry application/octet-stream, application/json or"
                                    + " no Content-Type, not '"
                                    + type
                                    + "'");
                }
            }
        }

        private static boolean isAdmin(EmulatorRequest req) {
            return !req.isMeta()
                    && (req.path().equals(ADMIN_PREFIX)
                            || req.path().startsWith(ADMIN_PREFIX + "/"));
        }

        private void handleAdmin(EmulatorRequest req, EmulatorResponse resp, InetAddress remote) {
            try {
                if (remote == null || !remote.isLoopbackAddress()) {
                    throw new ServiceException(
                            403,
                            "AccessDenied",
                            "The emulator's admin requests are served to loopback clients only");
                }
                if (req.header("Origin") != null) {
                    throw new ServiceException(
                            403,
                            "AccessDenied",
                            "The emulator's admin requests are refused with an Origin header"
                                    + " (they are not for web pages)");
                }
                refuseWebPage(req);
                admin.handle(req, resp);
            } catch (ServiceException e) {
                ErrorBodies.render(req, resp, e);
            } catch (Exception e) {
                LOG.warn("Internal error serving {}", req, e);
                ErrorBodies.render(
                        req,
                        resp,
                        new ServiceException(
                                500,
                                "InternalServerError",
                                "Emulator internal error: " + e.getClass().getSimpleName()));
            }
        }

        private void notifyCompleted(EmulatorRequest req, int status, String code) {
            for (RequestInterceptor interceptor : interceptors) {
                try {
                    interceptor.completed(req, status, code);
                } catch (RuntimeException e) {
                    LOG.warn("Request interceptor failed on completion of {}", req, e);
                }
            }
        }

        private static void write(
                EmulatorRequest req, EmulatorResponse resp, ClassicHttpResponse response) {
            response.setCode(resp.status());
            for (Map.Entry<String, String> h : resp.headers()) {
                response.addHeader(h.getKey(), h.getValue());
            }
            if (resp.headerValue("x-odps-request-id") == null) {
                response.addHeader("x-odps-request-id", req.requestId());
            }
            if (req.method().equals("HEAD")) {
                return;
            }
            ContentType type =
                    resp.contentType() == null ? null : ContentType.parse(resp.contentType());
            if (resp.isStreamed() && resp.dropAfterBytes() < 0) {
                response.setEntity(
                        new StreamingEntity(
                                resp.bodyWriter(), type, resp.contentEncoding(), req.toString()));
                return;
            }
            // Fixed bodies, and streamed ones that fault injection cuts (produced into memory).
            byte[] bytes = resp.bodyBytes();
            if (bytes != null) {
                response.setEntity(
                        new FaultableEntity(
                                bytes,
                                type,
                                resp.contentEncoding(),
                                // A cut body must not end with a chunked terminator, so it is
                                // announced with its full Content-Length and then cut short.
                                resp.isStreamed() && resp.dropAfterBytes() < 0,
                                resp.dropAfterBytes()));
            }
        }

        private static String clientAddress(HttpContext context) {
            InetAddress remote = remoteAddress(context);
            return remote == null ? "unknown" : remote.getHostAddress();
        }

        private static String connection(HttpContext context) {
            EndpointDetails details = HttpCoreContext.cast(context).getEndpointDetails();
            SocketAddress remote = details == null ? null : details.getRemoteAddress();
            if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
                return inet.getAddress().getHostAddress() + ":" + inet.getPort();
            }
            return null;
        }

        private static InetAddress remoteAddress(HttpContext context) {
            EndpointDetails details = HttpCoreContext.cast(context).getEndpointDetails();
            SocketAddress remote = details == null ? null : details.getRemoteAddress();
            if (remote instanceof InetSocketAddress inet) {
                return inet.getAddress();
            }
            return null;
        }
    }

    private static final class QuietExceptionListener implements ExceptionListener {
        @Override
        public void onError(Exception ex) {
            log(ex);
        }

        @Override
        public void onError(HttpConnection connection, Exception ex) {
            log(ex);
        }

        private static void log(Exception ex) {
            if (ex instanceof ConnectionClosedException
                    || ex instanceof SocketException
                    || ex instanceof java.net.SocketTimeoutException) {
                LOG.debug("Connection ended: {}", ex.toString());
            } else {
                LOG.debug("HTTP server error", ex);
            }
        }
    }

    /**
     * httpcore's own answer to an {@code Expect} header other than {@code 100-continue} (417), with
     * a service error body instead of an empty one, so every refusal carries an error code.
     */
    private static final class ServiceExpectationFilter extends HttpServerExpectationFilter {
        @Override
        protected HttpEntity generateResponseContent(HttpResponse response) {
            return new StringEntity(
                    "{\"Code\":\"ExpectationFailed\",\"Message\":\"Only 'Expect: 100-continue'"
                            + " is supported\",\"RequestId\":\"\"}",
                    ContentType.APPLICATION_JSON);
        }
    }
}
