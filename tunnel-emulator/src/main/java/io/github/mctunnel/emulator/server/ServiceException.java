package io.github.mctunnel.emulator.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the emulator answers with, rendered as the service's error body: JSON {@code
 * {"Code","Message","RequestId"}} on tunnel paths, XML {@code <Error>} on meta ({@code /api})
 * paths.
 */
public class ServiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ServiceException(int httpStatus, String code, String message) {
        super(message);
        this.status = httpStatus;
        this.code = code;
    }

    /** Adds a response header (name sent exactly as given), e.g. {@code Retry-After}. */
    public ServiceException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Extra response headers, in insertion order. */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "ServiceException{" + status + " " + code + ": " + getMessage() + "}";
    }
}
