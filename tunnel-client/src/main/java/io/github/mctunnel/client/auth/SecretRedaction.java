package io.github.mctunnel.client.auth;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strips secrets from text that may end up in a log line or an exception message: the values of
 * secret fields ({@code AccessKeySecret}, {@code SecurityToken}, OIDC token, private key) and the
 * query values of every URL (a credentials URI may carry a token in its query string).
 */
public final class SecretRedaction {

    /** {@code "Key":"value"}, {@code Key=value}, {@code key: value} of a secret field. */
    private static final Pattern SECRET_FIELD =
            Pattern.compile(
                    "(?i)(\"?(?:access_?key_?secret|security_?token|sts_?token|session_?token"
                            + "|oidc_?token|private_?key)\"?\\s*[:=]\\s*\"?)[^\"\\s,;&}]+");

    /** A URL with a query string: the part before the query, then the query (up to a blank). */
    private static final Pattern URL_QUERY =
            Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^\\s\"'<>?]*)\\?([^\\s\"'<>#]*)");

    private static final Pattern QUERY_VALUE = Pattern.compile("=[^&;]*");

    private SecretRedaction() {}

    /**
     * {@code text} with the values of secret fields and the query values of URLs replaced by {@code
     * ***}; {@code "(no message)"} for null.
     */
    public static String redact(String text) {
        if (text == null) {
            return "(no message)";
        }
        Matcher m = URL_QUERY.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String query = QUERY_VALUE.matcher(m.group(2)).replaceAll("=***");
            if (query.equals(m.group(2)) && !query.isEmpty()) {
                // a bare value (?SECRET): nothing to keep
                query = "***";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "?" + query));
        }
        m.appendTail(sb);
        return SECRET_FIELD.matcher(sb.toString()).replaceAll("$1***");
    }

    /**
     * {@code scheme://host[:port]/path} of {@code uri}, without user info, query and fragment; for
     * messages. A string that is no URI is replaced by {@code (invalid URI)}.
     */
    public static String safeUri(String uri) {
        try {
            URI u = new URI(uri.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                return "(invalid URI)";
            }
            return u.getScheme()
                    + "://"
                    + u.getHost()
                    + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (Exception e) {
            return "(invalid URI)";
        }
    }
}
