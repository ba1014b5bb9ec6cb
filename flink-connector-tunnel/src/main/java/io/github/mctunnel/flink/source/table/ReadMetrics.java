package io.github.mctunnel.flink.source.table;

import org.apache.flink.annotation.Internal;

/** Callbacks for the source's I/O metrics; called from the thread doing the I/O. */
@Internal
public interface ReadMetrics {

    ReadMetrics NONE =
            new ReadMetrics() {
                @Override
                public void bytesRead(long bytes) {}

                @Override
                public void retried() {}
            };

    /** {@code bytes} more response body bytes (as sent, i.e. compressed) were read. */
    void bytesRead(long bytes);

    /** A request was retried, or a broken download stream resumed. */
    void retried();
}
