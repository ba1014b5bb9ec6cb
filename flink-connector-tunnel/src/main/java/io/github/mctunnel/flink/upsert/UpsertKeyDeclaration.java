package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.client.upsert.HasherKind;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What the job declares about the Delta table: its primary-key columns (names and types, in the
 * table's {@code hash_key} order) and its bucket count. Records are routed by the bucket this
 * declaration computes before any session exists, so writers check it against the table at start.
 */
@Internal
public final class UpsertKeyDeclaration implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String[] names;
    private final String[] types;
    private final int bucketCount;

    public UpsertKeyDeclaration(List<Column> keyColumns, int bucketCount) {
        if (keyColumns == null || keyColumns.isEmpty()) {
            throw new IllegalArgumentException(
                    "TunnelUpsertSink needs the table's primary key (setPrimaryKey)");
        }
        if (bucketCount < 1) {
            throw new IllegalArgumentException(
                    "TunnelUpsertSink needs the table's bucket count (setBucketCount, the"
                            + " 'write.bucket.num' table property), got "
                            + bucketCount);
        }
        this.names = new String[keyColumns.size()];
        this.types = new String[keyColumns.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = keyColumns.get(i).name();
            types[i] = keyColumns.get(i).type().toString();
        }
        this.bucketCount = bucketCount;
        // fails early for a type that cannot be a hash key
        newHasher();
    }

    public List<Column> keyColumns() {
        List<Column> columns = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            columns.add(Column.of(names[i], TypeInfo.parse(types[i])));
        }
        return columns;
    }

    public int bucketCount() {
        return bucketCount;
    }

    /** The hasher of the declared key with the service's default hash family. */
    public BucketHasher newHasher() {
        return BucketHasher.forKeyColumns(HasherKind.DEFAULT, keyColumns(), bucketCount);
    }

    /**
     * Checks that {@code session}'s table has exactly this key, bucket count and the default
     * hasher.
     *
     * @throws IllegalStateException naming the table's and the declared key and bucket count
     */
    void verify(UpsertSessionHandle session, String table) {
        TableSchema schema = session.schema();
        List<String> actualKeys = session.hashKeys();
        StringJoiner actual = new StringJoiner(", ", "[", "]");
        boolean matches = actualKeys.size() == names.length;
        for (int i = 0; i < actualKeys.size(); i++) {
            int idx = schema.indexOf(actualKeys.get(i));
            String type = idx < 0 ? "?" : schema.column(idx).type().toString();
            actual.add(actualKeys.get(i) + " " + type);
            if (matches
                    && !(actualKeys
                                    .get(i)
                                    .toLowerCase(Locale.ROOT)
                                    .equals(names[i].toLowerCase(Locale.ROOT))
                            && type.equalsIgnoreCase(types[i]))) {
                matches = false;
            }
        }
        matches &= session.bucketCount() == bucketCount;
        boolean defaultHasher = HasherKind.fromServiceName(session.hasher()) == HasherKind.DEFAULT;
        if (!matches || !defaultHasher) {
            throw new IllegalStateException(
                    "Table "
                            + table
                            + " does not match the TunnelUpsertSink declaration: the table has"
                            + " primary key "
                            + actual
                            + ", "
                            + session.bucketCount()
                            + " buckets and the '"
                            + session.hasher()
                            + "' hasher; the sink declares primary key "
                            + describeKey()
                            + ", "
                            + bucketCount
                            + " buckets and the 'default' hasher");
        }
    }

    /** {@code [name type, ...]}. */
    public String describeKey() {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < names.length; i++) {
            j.add(names[i] + " " + types[i]);
        }
        return j.toString();
    }

    @Override
    public String toString() {
        return "primary key " + describeKey() + ", " + bucketCount + " buckets";
    }
}
