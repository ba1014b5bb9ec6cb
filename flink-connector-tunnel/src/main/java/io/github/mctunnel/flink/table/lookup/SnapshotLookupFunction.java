package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.LookupFunction;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers lookups from an in-memory snapshot of the table (or of the selected partitions), indexed
 * by the lookup keys; the snapshot is read at open and again by the first lookup after {@code
 * lookup.reload-interval}. Used with {@code 'lookup.cache'} NONE and PARTIAL (where Flink's partial
 * cache sits in front).
 */
public final class SnapshotLookupFunction extends LookupFunction {

    private static final long serialVersionUID = 1L;

    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final RowDataTunnelRecordDeserializer deserializer;
    private final LookupSettings settings;
    private final RowData.FieldGetter[] keyGetters;
    private final RowData.FieldGetter[] keyRowGetters;
    private final Clock clock;

    private transient Map<RowData, List<RowData>> index;
    private transient long loadedAtMillis;

    /**
     * @param rowType the produced row
     * @param keyIndices positions of the lookup keys in the produced row, in the order of the key
     *     rows the planner passes
     */
    SnapshotLookupFunction(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings,
            RowType rowType,
            int[] keyIndices,
            Clock clock) {
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.settings = settings;
        this.keyGetters = new RowData.FieldGetter[keyIndices.length];
        this.keyRowGetters = new RowData.FieldGetter[keyIndices.length];
        for (int i = 0; i < keyIndices.length; i++) {
            keyGetters[i] =
                    RowData.createFieldGetter(rowType.getTypeAt(keyIndices[i]), keyIndices[i]);
            keyRowGetters[i] = RowData.createFieldGetter(rowType.getTypeAt(keyIndices[i]), i);
        }
        this.clock = clock;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        load();
    }

    private void load() throws IOException {
        Map<RowData, List<RowData>> fresh = new HashMap<>();
        try (TableSnapshotReader reader =
                new TableSnapshotReader(clientFactory, tableName, deserializer, settings)) {
            for (RowData row = reader.next(); row != null; row = reader.next()) {
                fresh.computeIfAbsent(key(row, keyGetters), k -> new ArrayList<>(1)).add(row);
            }
        }
        index = fresh;
        loadedAtMillis = clock.millis();
    }

    /** The key of a table row, a GenericRowData so it equals the key rows of lookups. */
    private static RowData key(RowData row, RowData.FieldGetter[] getters) {
        GenericRowData key = new GenericRowData(getters.length);
        for (int i = 0; i < getters.length; i++) {
            key.setField(i, getters[i].getFieldOrNull(row));
        }
        return key;
    }

    @Override
    public Collection<RowData> lookup(RowData keyRow) throws IOException {
        if (clock.millis() - loadedAtMillis >= settings.reloadInterval().toMillis()) {
            load();
        }
        List<RowData> rows = index.get(key(keyRow, keyRowGetters));
        return rows == null ? List.of() : rows;
    }

    int indexedKeys() {
        return index == null ? 0 : index.size();
    }

    @Override
    public void close() {
        index = null;
    }
}
