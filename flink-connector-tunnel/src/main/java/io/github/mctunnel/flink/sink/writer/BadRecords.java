package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.BadRecordPolicy;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's checks of records the table cannot take and its {@link BadRecordPolicy}: the NOT NULL
 * columns a record must fill, and skipping (counted in {@code numRecordsSkipped}) or failing.
 */
@Internal
public final class BadRecords {

    private static final Logger LOG = LoggerFactory.getLogger(BadRecords.class);

    private final String table;
    private final BadRecordPolicy policy;
    private final Counter skipped;

    /** The name of each NOT NULL data column, null for a nullable one. */
    private final String[] notNullColumns;

    /** The indexes of the NOT NULL data columns. */
    private final int[] notNullIndexes;

    public BadRecords(String table, TableSchema schema, BadRecordPolicy policy, Counter skipped) {
        this.table = table;
        this.policy = policy;
        this.skipped = skipped;
        this.notNullColumns = new String[schema.columnCount()];
        for (int i = 0; i < notNullColumns.length; i++) {
            notNullColumns[i] = schema.column(i).nullable() ? null : schema.column(i).name();
        }
        this.notNullIndexes =
                java.util.stream.IntStream.range(0, notNullColumns.length)
                        .filter(i -> notNullColumns[i] != null)
                        .toArray();
    }

    /**
     * @throws IllegalArgumentException naming the first NOT NULL data column {@code row} leaves
     *     NULL
     */
    public void checkNotNull(StagedRecord row) {
        for (int i : notNullIndexes) {
            if (row.isNull(i)) {
                throw new IllegalArgumentException(
                        "Column '" + notNullColumns[i] + "' is NOT NULL, but the value is NULL");
            }
        }
    }

    /**
     * Checks a staged record whose field {@code f} holds column {@code columns[f]} (the columns a
     * partial update sets), or column {@code f} when {@code columns} is null.
     *
     * @throws IllegalArgumentException naming the first of them that is NOT NULL and left NULL
     */
    public void checkNotNull(StagedRecord row, int[] columns) {
        if (columns == null) {
            checkNotNull(row);
            return;
        }
        for (int f = 0; f < columns.length; f++) {
            String name = notNullColumns[columns[f]];
            if (name != null && row.isNull(f)) {
                throw new IllegalArgumentException(
                        "Column '" + name + "' is NOT NULL, but the value is NULL");
            }
        }
    }

    /**
     * @throws IllegalArgumentException naming the first NOT NULL column that {@code row} leaves
     *     NULL
     */
    public void checkNotNull(Object[] row) {
        for (int i = 0; i < notNullColumns.length; i++) {
            if (row[i] == null && notNullColumns[i] != null) {
                throw new IllegalArgumentException(
                        "Column '" + notNullColumns[i] + "' is NOT NULL, but the value is NULL");
            }
        }
    }

    /**
     * Checks only {@code columns} of {@code row} (the columns a record sets, e.g. a partial
     * update).
     *
     * @throws IllegalArgumentException naming the first of them that is NOT NULL and left NULL
     */
    public void checkNotNull(Object[] row, int[] columns) {
        for (int i : columns) {
            if (row[i] == null && notNullColumns[i] != null) {
                throw new IllegalArgumentException(
                        "Column '" + notNullColumns[i] + "' is NOT NULL, but the value is NULL");
            }
        }
    }

    /** Whether refused records are skipped rather than failing the job. */
    public boolean skips() {
        return policy == BadRecordPolicy.SKIP;
    }

    /**
     * Applies the policy to a record refused with {@code refusal}: true when it is skipped (counted
     * and logged), false when the writer must fail.
     */
    public boolean skip(RuntimeException refusal) {
        if (policy == BadRecordPolicy.FAIL) {
            return false;
        }
        skipped.inc();
        LOG.debug("Skipped a record for table {}: {}", table, refusal.getMessage());
        return true;
    }
}
