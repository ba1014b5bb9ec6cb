package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.data.ByteSink;
import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.client.codec.RecordStreamWriter;

import java.io.IOException;

/**
 * The codec's own single-thread encode rate of the sink benchmark's rows, in rows per CPU-second of
 * the measuring thread: what a sink could reach if encoding were all it did. The generic path takes
 * the rows as {@code Object[]} ({@link RecordStreamWriter#write}), the field path writes each field
 * with its typed setter.
 */
public final class EncodeRate {

    private static final int BLOCK_ROWS = 20_000;

    private EncodeRate() {}

    /** Rows per CPU-second of the generic path, over {@code rows} rows after a warm-up. */
    public static double generic(long rows, long warmupRows) throws IOException {
        EventRows events = EventRows.generate(EventRowSerializer.DISTINCT_ROWS, 1, 1);
        run(events, warmupRows, false);
        return run(events, rows, false);
    }

    /** Rows per CPU-second of the field-by-field path. */
    public static double fields(long rows, long warmupRows) throws IOException {
        EventRows events = EventRows.generate(EventRowSerializer.DISTINCT_ROWS, 1, 1);
        run(events, warmupRows, true);
        return run(events, rows, true);
    }

    private static double run(EventRows events, long rows, boolean fields) throws IOException {
        ByteSink out = new ByteSink(16 << 20);
        long start = CpuAccount.currentThreadCpuNanos();
        long written = 0;
        while (written < rows) {
            out.reset();
            RecordStreamWriter w = new RecordStreamWriter(EventRows.COLUMNS, out);
            long block = Math.min(BLOCK_ROWS, rows - written);
            for (long i = 0; i < block; i++) {
                int row = (int) ((written + i) % events.size());
                if (fields) {
                    events.writeFields(w, row);
                } else {
                    w.write(events.row(row));
                }
            }
            w.finish();
            written += block;
        }
        long cpu = CpuAccount.currentThreadCpuNanos() - start;
        return rows / (Math.max(1, cpu) / 1e9);
    }
}
