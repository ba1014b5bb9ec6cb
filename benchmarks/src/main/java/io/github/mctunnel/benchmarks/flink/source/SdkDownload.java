package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.benchmarks.flink.JobRun;

import com.aliyun.odps.data.Record;
import com.aliyun.odps.tunnel.TableTunnel;
import com.aliyun.odps.tunnel.io.TunnelRecordReader;

/**
 * The official SDK's own download of a whole table in one thread: a download session and one record
 * reader over all rows (uncompressed, the SDK's default), every record read and decoded.
 */
final class SdkDownload {

    private SdkDownload() {}

    /** Reads every row of {@code table}; the time includes creating the download session. */
    static JobRun read(TableTunnel tunnel, String project, String table) throws Exception {
        long t0 = System.nanoTime();
        TableTunnel.DownloadSession session = tunnel.createDownloadSession(project, table);
        long count = session.getRecordCount();
        long n = 0;
        try (TunnelRecordReader reader = session.openRecordReader(0, count, false)) {
            Record r;
            while ((r = reader.read()) != null) {
                if (r.getColumnCount() > 0) {
                    n++;
                }
            }
        }
        return new JobRun(n, System.nanoTime() - t0);
    }
}
