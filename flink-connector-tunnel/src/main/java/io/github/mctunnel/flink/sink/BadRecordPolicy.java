package io.github.mctunnel.flink.sink;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What a sink writer does with a record the table cannot take (a value of the wrong type, NULL in a
 * NOT NULL column, a value over the field size limit, an unusable partition value).
 */
@PublicEvolving
public enum BadRecordPolicy {
    /** Fail the job with a message naming the column and the value (default). */
    FAIL,
    /** Drop the record and count it in the writer's {@code numRecordsSkipped} metric. */
    SKIP
}
