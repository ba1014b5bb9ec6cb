package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.types.RowKind;

/** A test change: kind, key, name and partition value. */
record Change(RowKind kind, long id, String name, String ds) {

    static Change upsert(long id, String name, String ds) {
        return new Change(RowKind.INSERT, id, name, ds);
    }

    /** Serializes by column name: id, name, ds (whichever the opened columns hold). */
    static final class Serializer implements UpsertRecordSerializer<Change> {
        private static final long serialVersionUID = 1L;
        private int id;
        private int name;
        private int ds;

        @Override
        public void open(TableSchema columns) {
            id = columns.indexOf("id");
            name = columns.indexOf("name");
            ds = columns.indexOf("ds");
        }

        @Override
        public RowKind kind(Change c) {
            return c.kind();
        }

        @Override
        public void serialize(Change c, RecordFieldWriter record) {
            record.setBigint(id, c.id());
            if (name >= 0) {
                record.setString(name, c.name());
            }
            if (ds >= 0) {
                record.setString(ds, c.ds());
            }
        }
    }
}
