package io.github.mctunnel.flink.source.table;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.codec.ValuesRecordView;

import org.apache.flink.annotation.Internal;

import java.io.Closeable;
import java.io.IOException;

/** Reads an opened row range in order. Not thread-safe. */
@Internal
public interface RowRangeReader extends Closeable {

    /**
     * The next row (values of the requested columns, in the codec's Java mapping), or null after
     * the last row of the range.
     *
     * @throws SessionInvalidatedException when the session expired or its partition changed
     */
    Object[] read() throws IOException;

    /**
     * The next row as a view valid until the next call, or null after the last row of the range. By
     * default the values of {@link #read()} in a {@link ValuesRecordView}.
     *
     * @throws SessionInvalidatedException when the session expired or its partition changed
     */
    default RecordView next() throws IOException {
        Object[] values = read();
        return values == null ? null : new ValuesRecordView(values);
    }

    @Override
    void close();
}
