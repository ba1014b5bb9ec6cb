package io.github.mctunnel.client.http;

import io.github.mctunnel.client.error.ErrorContext;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One service call, before signing: method, endpoint, decoded resource path, decoded query
 * parameters (null value = bare key), extra headers, optional body, and the context for errors.
 */
public final class TunnelRequest {

    private final String method;
    private final URI endpoint;
    private final String resourcePath;
    private final Map<String, String> params;
    private final Map<String, String> headers;
    private final RequestBody body;
    private final ErrorContext context;
    private final String backoffKey;

    private TunnelRequest(Builder b) {
        this.method = b.method;
        this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
        this.resourcePath = Objects.requireNonNull(b.resourcePath, "resourcePath");
        this.params = b.params;
        this.headers = b.headers;
        this.body = b.body;
        this.context = b.context == null ? ErrorContext.of(method + " " + resourcePath) : b.context;
        this.backoffKey = b.backoffKey;
    }

    public static Builder builder(String method, URI endpoint, String resourcePath) {
        return new Builder(method, endpoint, resourcePath);
    }

    public String method() {
        return method;
    }

    public URI endpoint() {
        return endpoint;
    }

    public String resourcePath() {
        return resourcePath;
    }

    /** Decoded parameters in insertion order (not to be modified). */
    public Map<String, String> params() {
        return params;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body, or null for none. */
    public RequestBody body() {
        return body;
    }

    public ErrorContext context() {
        return context;
    }

    /** Key of the shared back-off gate (endpoint and table); defaults to endpoint + path. */
    public String backoffKey() {
        return backoffKey != null ? backoffKey : endpoint + resourcePath;
    }

    /** Builder of {@link TunnelRequest}. */
    public static final class Builder {
        private final String method;
        private final URI endpoint;
        private final String resourcePath;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RequestBody body;
        private ErrorContext context;
        private String backoffKey;

        private Builder(String method, URI endpoint, String resourcePath) {
            this.method = Objects.requireNonNull(method, "method");
            this.endpoint = endpoint;
            this.resourcePath = resourcePath;
        }

        /** Adds a parameter; a null value adds a bare key. */
        public Builder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        /** Adds a parameter only when the value is non-null and non-empty. */
        public Builder paramIfPresent(String name, String value) {
            if (value != null && !value.isEmpty()) {
                params.put(name, value);
            }
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder body(RequestBody body) {
            this.body = body;
            return this;
        }

        public Builder context(ErrorContext context) {
            this.context = context;
            return this;
        }

        public Builder backoffKey(String backoffKey) {
            this.backoffKey = backoffKey;
            return this;
        }

        public TunnelRequest build() {
            return new TunnelRequest(this);
        }
    }
}
