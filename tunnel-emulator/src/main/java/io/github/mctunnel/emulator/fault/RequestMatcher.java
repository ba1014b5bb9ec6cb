package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.server.EmulatorRequest;

import java.util.Locale;

/**
 * Selects requests for a fault: by method, by a substring of the path (meta paths include the
 * {@code /api} prefix), and by a query parameter that must be present. Null parts match anything.
 */
public record RequestMatcher(String method, String pathContains, String withParam) {

    public static RequestMatcher any() {
        return new RequestMatcher(null, null, null);
    }

    public static RequestMatcher of(String method, String pathContains) {
        return new RequestMatcher(method, pathContains, null);
    }

    /** The same matcher, also requiring query parameter {@code name} (e.g. {@code blockid}). */
    public RequestMatcher withParam(String name) {
        return new RequestMatcher(method, pathContains, name);
    }

    public boolean matches(EmulatorRequest req) {
        if (method != null && !method.toUpperCase(Locale.ROOT).equals(req.method())) {
            return false;
        }
        if (pathContains != null) {
            String full = (req.isMeta() ? EmulatorRequest.META_PREFIX : "") + req.path();
            if (!full.contains(pathContains)) {
                return false;
            }
        }
        return withParam == null || req.hasParam(withParam);
    }
}
