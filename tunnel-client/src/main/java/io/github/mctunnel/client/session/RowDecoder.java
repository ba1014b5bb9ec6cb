package io.github.mctunnel.client.session;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.codec.ValuesRecordView;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes rows from one download response body. Usually a {@code codec.RecordStreamReader} over the
 * body decompressed per its {@code Content-Encoding} (see {@link #of}).
 */
@FunctionalInterface
public interface RowDecoder {

    /** The next row, or null at the end of the stream (after its trailer was verified). */
    Object[] read() throws IOException;

    /**
     * The next row as a {@link RecordView} valid until the next call, or null at the end of the
     * stream. By default the values of {@link #read()} in a {@link ValuesRecordView}; a decoder
     * over a {@link RecordStreamReader} ({@link #of}) hands out the reader's own view, with no
     * boxed value.
     */
    default RecordView next() throws IOException {
        Object[] values = read();
        return values == null ? null : new ValuesRecordView(values);
    }

    /**
     * The decoder of a record stream reader: {@link #read()} and {@link #next()} are the reader's.
     */
    static RowDecoder of(RecordStreamReader reader) {
        return new RowDecoder() {
            @Override
            public Object[] read() throws IOException {
                return reader.read();
            }

            @Override
            public RecordView next() throws IOException {
                return reader.next();
            }
        };
    }

    /** Opens a decoder for a response body. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param body the raw response body
         * @param contentEncoding the response's {@code Content-Encoding}, or null for raw
         */
        RowDecoder open(InputStream body, String contentEncoding) throws IOException;
    }
}
