package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DayTimeIntervalType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.YearMonthIntervalType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The mapping between MaxCompute column types ({@link TypeInfo}) and Flink {@link LogicalType}s.
 *
 * <p>Canonical mapping (MaxCompute to Flink, used when a table is read or exposed through a
 * catalog): BIGINT, INT, SMALLINT, TINYINT, BOOLEAN, DOUBLE, FLOAT map to the Flink type of the
 * same name; STRING and JSON to {@code STRING}; VARCHAR(n) and CHAR(n) to the same; BINARY to
 * {@code BYTES}; DECIMAL(p,s) to DECIMAL(p,s); DATE to DATE; DATETIME to {@code TIMESTAMP_LTZ(3)};
 * TIMESTAMP to {@code TIMESTAMP_LTZ(9)}; TIMESTAMP_NTZ to {@code TIMESTAMP(9)}; INTERVAL_DAY_TIME
 * to {@code INTERVAL DAY(6) TO SECOND(3)} (Flink keeps milliseconds, so finer digits are dropped
 * when read); INTERVAL_YEAR_MONTH to {@code INTERVAL YEAR(4) TO MONTH}; ARRAY, MAP and STRUCT to
 * ARRAY, MAP and ROW, nested to any depth.
 *
 * <p>Writing accepts a few more Flink types than the canonical one: a narrower integer type for a
 * wider integer column, FLOAT for DOUBLE, any character type for STRING/VARCHAR/CHAR/JSON (lengths
 * are checked per value), binary types for STRING and BINARY, any DECIMAL for a DECIMAL column
 * (values are rescaled and checked for overflow), any precision of TIMESTAMP_LTZ for DATETIME and
 * TIMESTAMP, any precision of TIMESTAMP for TIMESTAMP_NTZ. ROW fields map to STRUCT fields by
 * position.
 *
 * <p>Given a time zone (the SQL session time zone), {@code TIMESTAMP} of any precision is also
 * written to and read from DATETIME and TIMESTAMP columns, as a wall-clock time in that zone, the
 * way Flink converts between {@code TIMESTAMP} and {@code TIMESTAMP_LTZ}; without one (the
 * DataStream serializers' default) it is refused.
 */
@PublicEvolving
public final class TunnelTypeMapping {

    /** Flink's day precision is at most 6; MaxCompute intervals are written with milliseconds. */
    static final int INTERVAL_DAY_PRECISION = DayTimeIntervalType.MAX_DAY_PRECISION;

    static final int INTERVAL_FRACTIONAL_PRECISION = 3;

    static final int INTERVAL_YEAR_PRECISION = YearMonthIntervalType.MAX_PRECISION;

    private static final Set<LogicalTypeRoot> CHARACTER =
            EnumSet.of(LogicalTypeRoot.CHAR, LogicalTypeRoot.VARCHAR);

    private static final Set<LogicalTypeRoot> BINARY =
            EnumSet.of(LogicalTypeRoot.BINARY, LogicalTypeRoot.VARBINARY);

    private TunnelTypeMapping() {}

    /** The canonical Flink type of a MaxCompute type (nullable). */
    public static LogicalType toFlinkType(TypeInfo type) {
        return toFlinkType(type, true);
    }

    /** The canonical Flink type of a MaxCompute type, with the given nullability. */
    public static LogicalType toFlinkType(TypeInfo type, boolean nullable) {
        switch (type.type()) {
            case BIGINT:
                return new BigIntType(nullable);
            case INT:
                return new IntType(nullable);
            case SMALLINT:
                return new SmallIntType(nullable);
            case TINYINT:
                return new TinyIntType(nullable);
            case BOOLEAN:
                return new BooleanType(nullable);
            case DOUBLE:
                return new DoubleType(nullable);
            case FLOAT:
                return new FloatType(nullable);
            case STRING:
            case JSON:
                return new VarCharType(nullable, VarCharType.MAX_LENGTH);
            case VARCHAR:
                return new VarCharType(nullable, type.length());
            case CHAR:
                return new CharType(nullable, type.length());
            case BINARY:
                return new VarBinaryType(nullable, VarBinaryType.MAX_LENGTH);
            case DECIMAL:
                return new DecimalType(nullable, type.precision(), type.scale());
            case DATE:
                return new DateType(nullable);
            case DATETIME:
                return new LocalZonedTimestampType(nullable, 3);
            case TIMESTAMP:
                return new LocalZonedTimestampType(nullable, 9);
            case TIMESTAMP_NTZ:
                return new TimestampType(nullable, 9);
            case INTERVAL_DAY_TIME:
                return new DayTimeIntervalType(
                        nullable,
                        DayTimeIntervalType.DayTimeResolution.DAY_TO_SECOND,
                        INTERVAL_DAY_PRECISION,
                        INTERVAL_FRACTIONAL_PRECISION);
            case INTERVAL_YEAR_MONTH:
                return new YearMonthIntervalType(
                        nullable,
                        YearMonthIntervalType.YearMonthResolution.YEAR_TO_MONTH,
                        INTERVAL_YEAR_PRECISION);
            case ARRAY:
                return new ArrayType(nullable, toFlinkType(type.elementType(), true));
            case MAP:
                return new MapType(
                        nullable,
                        toFlinkType(type.keyType(), true),
                        toFlinkType(type.valueType(), true));
            case STRUCT:
                {
                    List<RowType.RowField> fields = new ArrayList<>(type.fields().size());
                    for (TypeInfo.Field f : type.fields()) {
                        fields.add(new RowType.RowField(f.name(), toFlinkType(f.type(), true)));
                    }
                    return new RowType(nullable, fields);
                }
            default:
                throw new IllegalArgumentException(
                        "MaxCompute type " + type + " has no Flink counterpart");
        }
    }

    /** The row type of the given columns, in order, with their nullability. */
    public static RowType toRowType(List<Column> columns) {
        List<RowType.RowField> fields = new ArrayList<>(columns.size());
        for (Column c : columns) {
            fields.add(new RowType.RowField(c.name(), toFlinkType(c.type(), c.nullable())));
        }
        return new RowType(false, fields);
    }

    /**
     * The MaxCompute type for a Flink type (used to create tables): the inverse of the canonical
     * mapping. STRING (VARCHAR of maximal length) becomes string, BYTES becomes binary, BINARY(n)
     * and VARBINARY(n) become binary, TIMESTAMP_LTZ(p) becomes datetime for p &lt;= 3 and timestamp
     * otherwise, TIMESTAMP(p) becomes timestamp_ntz, any day-time interval interval_day_time and
     * any year-month interval interval_year_month.
     *
     * @throws IllegalArgumentException naming the type when MaxCompute has no counterpart
     */
    public static TypeInfo toTunnelType(LogicalType type) {
        switch (type.getTypeRoot()) {
            case BIGINT:
                return TypeInfo.of(OdpsType.BIGINT);
            case INTEGER:
                return TypeInfo.of(OdpsType.INT);
            case SMALLINT:
                return TypeInfo.of(OdpsType.SMALLINT);
            case TINYINT:
                return TypeInfo.of(OdpsType.TINYINT);
            case BOOLEAN:
                return TypeInfo.of(OdpsType.BOOLEAN);
            case DOUBLE:
                return TypeInfo.of(OdpsType.DOUBLE);
            case FLOAT:
                return TypeInfo.of(OdpsType.FLOAT);
            case VARCHAR:
                {
                    int length = ((VarCharType) type).getLength();
                    return length > 65535 ? TypeInfo.of(OdpsType.STRING) : TypeInfo.varchar(length);
                }
            case CHAR:
                {
                    int length = ((CharType) type).getLength();
                    return length > 255 ? TypeInfo.of(OdpsType.STRING) : TypeInfo.charOf(length);
                }
            case BINARY:
            case VARBINARY:
                return TypeInfo.of(OdpsType.BINARY);
            case DECIMAL:
                {
                    DecimalType d = (DecimalType) type;
                    return TypeInfo.decimal(d.getPrecision(), d.getScale());
                }
            case DATE:
                return TypeInfo.of(OdpsType.DATE);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return ((LocalZonedTimestampType) type).getPrecision() <= 3
                        ? TypeInfo.of(OdpsType.DATETIME)
                        : TypeInfo.of(OdpsType.TIMESTAMP);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return TypeInfo.of(OdpsType.TIMESTAMP_NTZ);
            case INTERVAL_DAY_TIME:
                return TypeInfo.of(OdpsType.INTERVAL_DAY_TIME);
            case INTERVAL_YEAR_MONTH:
                return TypeInfo.of(OdpsType.INTERVAL_YEAR_MONTH);
            case ARRAY:
                return TypeInfo.array(toTunnelType(((ArrayType) type).getElementType()));
            case MAP:
                {
                    MapType m = (MapType) type;
                    return TypeInfo.map(
                            toTunnelType(m.getKeyType()), toTunnelType(m.getValueType()));
                }
            case ROW:
                {
                    RowType r = (RowType) type;
                    List<TypeInfo.Field> fields = new ArrayList<>(r.getFieldCount());
                    for (RowType.RowField f : r.getFields()) {
                        fields.add(new TypeInfo.Field(f.getName(), toTunnelType(f.getType())));
                    }
                    return TypeInfo.struct(fields);
                }
            default:
                throw new IllegalArgumentException(
                        "Flink type " + type.asSummaryString() + " has no MaxCompute counterpart");
        }
    }

    /**
     * Checks that values of a Flink type can be written to a MaxCompute column type.
     *
     * @param column the column (or nested field path) named in the error
     * @throws IllegalArgumentException naming the column and both types when they do not fit
     */
    public static void checkWritable(String column, LogicalType from, TypeInfo to) {
        checkWritable(column, from, to, null);
    }

    /**
     * Checks that values of a Flink type can be written to a MaxCompute column type, with a time
     * zone: a {@code TIMESTAMP} (no zone) is then also accepted for {@code DATETIME} and {@code
     * TIMESTAMP} columns, its wall-clock reading taken as a time in {@code zone}.
     *
     * @param zone the zone (the SQL session time zone), or null to refuse {@code TIMESTAMP} for
     *     {@code DATETIME} and {@code TIMESTAMP} columns
     * @throws IllegalArgumentException naming the column and both types when they do not fit
     */
    public static void checkWritable(String column, LogicalType from, TypeInfo to, ZoneId zone) {
        if (!isWritable(column, from, to, zone)) {
            throw new IllegalArgumentException(
                    "Column '"
                            + column
                            + "': Flink type "
                            + from.asSummaryString()
                            + " cannot be written to MaxCompute type "
                            + to
                            + "; expected "
                            + toFlinkType(to, from.isNullable()).asSummaryString());
        }
    }

    /**
     * Checks that values of a MaxCompute column type can be read into a Flink type: the canonical
     * type, or a character/binary type of any length for text/binary columns, or any precision of
     * the matching timestamp type.
     *
     * @throws IllegalArgumentException naming the column and both types when they do not fit
     */
    public static void checkReadable(String column, TypeInfo from, LogicalType to) {
        checkReadable(column, from, to, null);
    }

    /**
     * Checks that values of a MaxCompute column type can be read into a Flink type, with a time
     * zone: {@code DATETIME} and {@code TIMESTAMP} columns can then also be read as {@code
     * TIMESTAMP} (no zone), the instant's wall-clock reading in {@code zone}.
     *
     * @param zone the zone (the SQL session time zone), or null to refuse {@code TIMESTAMP} for
     *     {@code DATETIME} and {@code TIMESTAMP} columns
     * @throws IllegalArgumentException naming the column and both types when they do not fit
     */
    public static void checkReadable(String column, TypeInfo from, LogicalType to, ZoneId zone) {
        if (!isReadable(column, from, to, zone)) {
            throw new IllegalArgumentException(
                    "Column '"
                            + column
                            + "': MaxCompute type "
                            + from
                            + " cannot be read as Flink type "
                            + to.asSummaryString()
                            + "; expected "
                            + toFlinkType(from, to.isNullable()).asSummaryString());
        }
    }

    private static boolean isWritable(String column, LogicalType from, TypeInfo to, ZoneId zone) {
        LogicalTypeRoot root = from.getTypeRoot();
        switch (to.type()) {
            case BIGINT:
                return root == LogicalTypeRoot.BIGINT || isNarrowerInteger(root, 3);
            case INT:
                return root == LogicalTypeRoot.INTEGER || isNarrowerInteger(root, 2);
            case SMALLINT:
                return root == LogicalTypeRoot.SMALLINT || isNarrowerInteger(root, 1);
            case TINYINT:
                return root == LogicalTypeRoot.TINYINT;
            case BOOLEAN:
                return root == LogicalTypeRoot.BOOLEAN;
            case DOUBLE:
                return root == LogicalTypeRoot.DOUBLE || root == LogicalTypeRoot.FLOAT;
            case FLOAT:
                return root == LogicalTypeRoot.FLOAT;
            case STRING:
                return CHARACTER.contains(root) || BINARY.contains(root);
            case VARCHAR:
            case CHAR:
            case JSON:
                return CHARACTER.contains(root);
            case BINARY:
                return BINARY.contains(root);
            case DECIMAL:
                return root == LogicalTypeRoot.DECIMAL;
            case DATE:
                return root == LogicalTypeRoot.DATE;
            case DATETIME:
            case TIMESTAMP:
                return root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                        || (zone != null && root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE);
            case TIMESTAMP_NTZ:
                return root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE;
            case INTERVAL_DAY_TIME:
                return root == LogicalTypeRoot.INTERVAL_DAY_TIME;
            case INTERVAL_YEAR_MONTH:
                return root == LogicalTypeRoot.INTERVAL_YEAR_MONTH;
            case ARRAY:
                if (root != LogicalTypeRoot.ARRAY) {
                    return false;
                }
                checkWritable(
                        column + "[]", ((ArrayType) from).getElementType(), to.elementType(), zone);
                return true;
            case MAP:
                if (root != LogicalTypeRoot.MAP) {
                    return false;
                }
                checkWritable(column + "{key}", ((MapType) from).getKeyType(), to.keyType(), zone);
                checkWritable(
                        column + "{value}", ((MapType) from).getValueType(), to.valueType(), zone);
                return true;
            case STRUCT:
                {
                    if (root != LogicalTypeRoot.ROW) {
                        return false;
                    }
                    RowType row = (RowType) from;
                    List<TypeInfo.Field> fields = to.fields();
                    if (row.getFieldCount() != fields.size()) {
                        throw new IllegalArgumentException(
                                "Column '"
                                        + column
                                        + "': Flink type "
                                        + from.asSummaryString()
                                        + " has "
                                        + row.getFieldCount()
                                        + " fields, MaxCompute type "
                                        + to
                                        + " has "
                                        + fields.size());
                    }
                    for (int i = 0; i < fields.size(); i++) {
                        checkWritable(
                                column + "." + fields.get(i).name(),
                                row.getTypeAt(i),
                                fields.get(i).type(),
                                zone);
                    }
                    return true;
                }
            default:
                return false;
        }
    }

    private static boolean isReadable(String column, TypeInfo from, LogicalType to, ZoneId zone) {
        LogicalTypeRoot root = to.getTypeRoot();
        switch (from.type()) {
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return CHARACTER.contains(root);
            case BINARY:
                return BINARY.contains(root);
            case DECIMAL:
                return root == LogicalTypeRoot.DECIMAL;
            case DATETIME:
            case TIMESTAMP:
                return root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                        || (zone != null && root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE);
            case TIMESTAMP_NTZ:
                return root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE;
            case INTERVAL_DAY_TIME:
                return root == LogicalTypeRoot.INTERVAL_DAY_TIME;
            case INTERVAL_YEAR_MONTH:
                return root == LogicalTypeRoot.INTERVAL_YEAR_MONTH;
            case ARRAY:
                if (root != LogicalTypeRoot.ARRAY) {
                    return false;
                }
                checkReadable(
                        column + "[]", from.elementType(), ((ArrayType) to).getElementType(), zone);
                return true;
            case MAP:
                if (root != LogicalTypeRoot.MAP) {
                    return false;
                }
                checkReadable(column + "{key}", from.keyType(), ((MapType) to).getKeyType(), zone);
                checkReadable(
                        column + "{value}", from.valueType(), ((MapType) to).getValueType(), zone);
                return true;
            case STRUCT:
                {
                    if (root != LogicalTypeRoot.ROW
                            || ((RowType) to).getFieldCount() != from.fields().size()) {
                        return false;
                    }
                    RowType row = (RowType) to;
                    for (int i = 0; i < row.getFieldCount(); i++) {
                        TypeInfo.Field f = from.fields().get(i);
                        checkReadable(column + "." + f.name(), f.type(), row.getTypeAt(i), zone);
                    }
                    return true;
                }
            default:
                return toFlinkType(from, to.isNullable()).equals(to);
        }
    }

    /** Whether {@code root} is an integer type strictly narrower than the one at rank {@code n}. */
    private static boolean isNarrowerInteger(LogicalTypeRoot root, int rank) {
        int r;
        switch (root) {
            case TINYINT:
                r = 0;
                break;
            case SMALLINT:
                r = 1;
                break;
            case INTEGER:
                r = 2;
                break;
            default:
                return false;
        }
        return r < rank;
    }
}
