package io.github.mctunnel.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches credentials from a credentials URI with a plain GET, as Alibaba Cloud's credentials
 * library does ({@code {"Code":"Success","AccessKeyId":..,"AccessKeySecret":..,"SecurityToken":..,
 * "Expiration":"2006-01-02T15:04:05Z"}}), but without the library: its provider logs the response
 * body, secret included, when a field is missing. Messages name the URI as {@code
 * scheme://host/path} only (its query may hold a token) and never quote the body.
 */
final class CredentialsUriFetch implements AliyunCredentialsProvider.Fetch {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URL url;
    private final String safeUri;

    CredentialsUriFetch(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(
                    "Credential URI or environment variable ALIBABA_CLOUD_CREDENTIALS_URI cannot"
                            + " be empty.");
        }
        this.safeUri = SecretRedaction.safeUri(uri);
        try {
            URI parsed = new URI(uri.trim());
            String scheme = parsed.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || parsed.getHost() == null) {
                throw new IllegalArgumentException("Credential URI is not valid: " + safeUri);
            }
            this.url = parsed.toURL();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("Credential URI is not valid: " + safeUri);
        }
    }

    @Override
    public AliyunCredentialsProvider.Fetched fetch() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.openConnection();
            connection.setRequestMethod("GET");
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            int status = connection.getResponseCode();
            if (status != 200) {
                drain(connection.getErrorStream());
                throw new IllegalStateException(
                        "Failed to get credentials from " + safeUri + ": HttpCode=" + status);
            }
            JsonNode body;
            try (InputStream in = connection.getInputStream()) {
                byte[] bytes = in.readNBytes(MAX_BODY);
                try {
                    body = JSON.readTree(bytes);
                } catch (IOException e) {
                    throw new IllegalStateException(
                            "Failed to get credentials from "
                                    + safeUri
                                    + ": the response is not JSON");
                }
            }
            if (body == null || !body.isObject()) {
                throw new IllegalStateException(
                        "Failed to get credentials from "
                                + safeUri
                                + ": the response is no object");
            }
            String code = text(body, "Code");
            if (!"Success".equals(code)) {
                throw new IllegalStateException(
                        "Failed to get credentials from "
                                + safeUri
                                + ": Code="
                                + (code == null ? "(none)" : SecretRedaction.redact(code)));
            }
            List<String> missing = new ArrayList<>();
            for (String field :
                    List.of("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")) {
                if (text(body, field) == null) {
                    missing.add(field);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        "Failed to get credentials from "
                                + safeUri
                                + ": the response has no "
                                + String.join(", ", missing));
            }
            long expiration;
            try {
                expiration = Instant.parse(text(body, "Expiration")).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalStateException(
                        "Failed to get credentials from "
                                + safeUri
                                + ": Expiration is not yyyy-MM-ddTHH:mm:ssZ");
            }
            return new AliyunCredentialsProvider.Fetched(
                    text(body, "AccessKeyId"),
                    text(body, "AccessKeySecret"),
                    text(body, "SecurityToken"),
                    expiration);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Failed to connect to "
                            + safeUri
                            + " ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + SecretRedaction.redact(e.getMessage())
                            + ")",
                    new IOException("(cause not kept: it may quote the URI)"));
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static void drain(InputStream in) {
        if (in == null) {
            return;
        }
        try (in) {
            in.readNBytes(MAX_BODY);
        } catch (IOException e) {
            // the status is what counts
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull() || !n.isValueNode()) {
            return null;
        }
        String s = n.asText();
        return s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "credentials URI " + safeUri;
    }
}
