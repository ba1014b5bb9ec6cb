package io.github.mctunnel.flink.source.table;

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

    @Override
    void close();
}
