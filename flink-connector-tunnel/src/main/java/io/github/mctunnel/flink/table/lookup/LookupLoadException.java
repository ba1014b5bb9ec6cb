package io.github.mctunnel.flink.table.lookup;

import java.io.IOException;

/**
 * A load of a lookup table failed for good: its retries ({@code lookup.max-retries}) are used up,
 * or it cannot succeed by being tried again (the table holds more rows than {@code
 * lookup.max-rows}).
 */
final class LookupLoadException extends IOException {

    private static final long serialVersionUID = 1L;

    LookupLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
