package io.github.mctunnel.flink.source.table;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * A download session can no longer be read: it expired (sessions live 24 h) or its partition was
 * modified after the session was created.
 */
@Internal
public final class SessionInvalidatedException extends IOException {

    private static final long serialVersionUID = 1L;

    public SessionInvalidatedException(String message, Throwable cause) {
        super(message, cause);
    }
}
