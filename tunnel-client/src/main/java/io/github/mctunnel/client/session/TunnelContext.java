package io.github.mctunnel.client.session;

import io.github.mctunnel.client.endpoint.TunnelEndpointResolver;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RetryingCaller;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.http.TunnelResponse;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;

/**
 * What every session needs: the retrying caller, the tunnel endpoint, and the quota name. Built by
 * {@code TunnelClient}; sessions share it.
 */
public final class TunnelContext {

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RetryingCaller caller;
    private final TunnelEndpointResolver endpoints;
    private final String quotaName;

    /**
     * @param quotaName the tunnel quota ({@code quotaName} param), or null for the default
     */
    public TunnelContext(
            RetryingCaller caller, TunnelEndpointResolver endpoints, String quotaName) {
        this.caller = Objects.requireNonNull(caller, "caller");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.quotaName = quotaName == null || quotaName.isBlank() ? null : quotaName;
    }

    public RetryingCaller caller() {
        return caller;
    }

    public String quotaName() {
        return quotaName;
    }

    URI tunnelEndpoint() throws TunnelException {
        return endpoints.tunnelEndpoint();
    }

    /**
     * A tunnel request with {@code x-odps-tunnel-version}, the partition and (optionally) the quota
     * name, using the back-off gate of the endpoint and table.
     */
    TunnelRequest.Builder request(
            String method,
            String path,
            TableIdentifier table,
            PartitionSpec partition,
            boolean withQuota,
            ErrorContext context)
            throws TunnelException {
        URI endpoint = tunnelEndpoint();
        TunnelRequest.Builder b =
                TunnelRequest.builder(method, endpoint, path)
                        .header(TunnelHeaders.TUNNEL_VERSION, TunnelHeaders.TUNNEL_VERSION_VALUE)
                        .context(context)
                        .backoffKey(endpoint + "|" + table);
        if (partition != null && !partition.isEmpty()) {
            b.param(TunnelHeaders.PARTITION, partition.toString());
        }
        if (withQuota && quotaName != null) {
            b.param(TunnelHeaders.QUOTA_NAME, quotaName);
        }
        return b;
    }

    /** Calls and parses the JSON object body; an empty or non-object body is an error. */
    JsonNode callJson(TunnelRequest request) throws TunnelException {
        return caller.call(request, response -> readJson(response, request.context()));
    }

    static JsonNode readJson(TunnelResponse response, ErrorContext context) throws IOException {
        JsonNode node;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readAllBytes();
            node = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TunnelException(
                    response.status(),
                    TunnelException.LOCAL_ERROR,
                    "the service answered with invalid JSON: " + e.getOriginalMessage(),
                    response.requestId(),
                    context,
                    0,
                    e);
        }
        if (node == null || !node.isObject()) {
            throw new TunnelException(
                    response.status(),
                    TunnelException.LOCAL_ERROR,
                    "the service answered without a JSON object body",
                    response.requestId(),
                    context,
                    0,
                    null);
        }
        return node;
    }
}
