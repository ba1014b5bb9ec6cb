package io.github.mctunnel.e2e;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;
import io.github.mctunnel.flink.sink.TunnelSink;
import io.github.mctunnel.flink.source.RowTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The quickstart: starts the embedded Tunnel emulator, creates a partitioned table with SQL DDL,
 * writes {@value #ROWS} events into it with a Flink job ({@link TunnelSink}, dynamic partitions),
 * reads them back with a second job ({@link TunnelSource}), and checks that every row came back
 * exactly once with the same values. Exits with status 1 when they differ.
 *
 * <p>Run it with {@code ./quickstart.sh} from the project root.
 */
public final class Quickstart {

    static final int ROWS = 10_000;
    static final String PROJECT = "quickstart";
    static final String TABLE = "events";
    private static final String ACCESS_ID = "quickstart-id";
    private static final String ACCESS_KEY = "quickstart-key";
    private static final Instant EPOCH = Instant.parse("2026-11-22T00:00:00Z");

    private Quickstart() {}

    public static void main(String[] args) throws Exception {
        Result result = run(ROWS);
        System.out.println(result.summary());
        if (!result.matches()) {
            System.exit(1);
        }
    }

    /** Runs the quickstart with the given number of rows and returns what was written and read. */
    static Result run(int rows) throws Exception {
        try (TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .port(0)
                        .project(PROJECT)
                        .credentials(ACCESS_ID, ACCESS_KEY)
                        .build()
                        .start()) {
            System.out.println("Emulator running: endpoint=" + emulator.odpsEndpoint());
            emulator.executeSql(
                    PROJECT,
                    "CREATE TABLE "
                            + TABLE
                            + " (id BIGINT, user_name STRING, amount DECIMAL(18,2), ts TIMESTAMP)"
                            + " PARTITIONED BY (ds STRING);");

            TunnelConnectionOptions connection =
                    TunnelConnectionOptions.builder()
                            .endpoint(emulator.odpsEndpoint())
                            .project(PROJECT)
                            .accessKey(ACCESS_ID, ACCESS_KEY)
                            .build();

            List<Row> written = new ArrayList<>(rows);
            for (long id = 0; id < rows; id++) {
                written.add(Event.of(id).toRow());
            }

            // Job 1: write the events, partitioned by day (dynamic partitions).
            StreamExecutionEnvironment writeEnv =
                    StreamExecutionEnvironment.getExecutionEnvironment();
            writeEnv.setParallelism(2);
            writeEnv.fromSequence(0, rows - 1)
                    .map(Event::of)
                    .sinkTo(
                            TunnelSink.<Event>builder()
                                    .setConnection(connection)
                                    .setTable(TABLE)
                                    .setDynamicPartition()
                                    .setSerializer(new EventSerializer())
                                    .build());
            writeEnv.execute("quickstart: write events");
            System.out.println("Wrote " + rows + " events to " + PROJECT + "." + TABLE);

            // Job 2: read every partition back.
            StreamExecutionEnvironment readEnv =
                    StreamExecutionEnvironment.getExecutionEnvironment();
            readEnv.setParallelism(2);
            TunnelSource<Row> source =
                    TunnelSource.<Row>builder()
                            .setConnection(connection)
                            .setTable(TABLE)
                            .setAllPartitions()
                            .setBounded()
                            .setDeserializer(
                                    RowTunnelRecordDeserializer.forColumns(
                                            List.of(
                                                    Column.of("id", "bigint"),
                                                    Column.of("user_name", "string"),
                                                    Column.of("amount", "decimal(18,2)"),
                                                    Column.of("ts", "timestamp"),
                                                    Column.of("ds", "string"))))
                            .build();
            List<Row> read = new ArrayList<>(rows);
            try (CloseableIterator<Row> it =
                    readEnv.fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                            .executeAndCollect("quickstart: read events")) {
                it.forEachRemaining(read::add);
            }
            return new Result(written, read);
        }
    }

    /** An event of the quickstart: one per id, ten days of data. */
    public static final class Event {
        public long id;
        public String userName;
        public BigDecimal amount;
        public Instant ts;
        public String ds;

        public Event() {}

        static Event of(long id) {
            Event e = new Event();
            e.id = id;
            e.userName = "user-" + (id % 97) + "-\u00e9\u4e2d";
            e.amount = BigDecimal.valueOf(id * 137 % 100_000, 2);
            e.ts = EPOCH.plusMillis(id * 8_640_123L).plusNanos(id % 1000);
            e.ds = "2026111" + (id % 9 + 1);
            return e;
        }

        Row toRow() {
            return Row.of(id, userName, amount, ts, ds);
        }
    }

    /** Writes an {@link Event} as (id, user_name, amount, ts) plus the partition value ds. */
    static final class EventSerializer implements TunnelRecordSerializer<Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public void open(TableSchema schema, boolean withPartitionValues) {
            if (!withPartitionValues || schema.columnCount() != 4) {
                throw new IllegalArgumentException(
                        "EventSerializer writes (id, user_name, amount, ts) + ds, table is "
                                + schema);
            }
        }

        @Override
        public Object[] serialize(Event e, Object[] reuse) {
            reuse[0] = e.id;
            reuse[1] = e.userName;
            reuse[2] = e.amount;
            reuse[3] = e.ts;
            reuse[4] = e.ds;
            return reuse;
        }
    }

    /** What was written and what was read back. */
    record Result(List<Row> written, List<Row> read) {

        boolean matches() {
            return sorted(written).equals(sorted(read));
        }

        String summary() {
            long partitions = read.stream().map(r -> r.getField(4)).distinct().count();
            return (matches() ? "OK" : "MISMATCH")
                    + ": wrote "
                    + written.size()
                    + " rows, read back "
                    + read.size()
                    + " rows from "
                    + partitions
                    + " partitions"
                    + (read.isEmpty() ? "" : "; first row read: " + sorted(read).get(0));
        }

        private static List<Row> sorted(List<Row> rows) {
            List<Row> copy = new ArrayList<>(rows);
            copy.sort(Comparator.comparingLong(r -> (Long) r.getField(0)));
            return copy;
        }
    }
}
