package io.github.mctunnel.client.codec;

import java.io.IOException;

/**
 * The record stream is not valid: a checksum or the record count does not match, the stream ends
 * inside a record, or it holds a tag or value that the schema does not allow. The message names the
 * record (1-based) or the trailer where the problem was found.
 */
public class CorruptRecordStreamException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptRecordStreamException(String message) {
        super(message);
    }

    public CorruptRecordStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
