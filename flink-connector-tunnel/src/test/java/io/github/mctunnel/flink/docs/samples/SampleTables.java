package io.github.mctunnel.flink.docs.samples;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/** The MaxCompute tables the samples use, created in the emulator before each sample runs. */
final class SampleTables {

    private SampleTables() {}

    static final List<String> MAXCOMPUTE_DDL =
            List.of(
                    "CREATE TABLE orders (order_id BIGINT, user_id BIGINT, amount DECIMAL(18,2),"
                            + " created_at TIMESTAMP) PARTITIONED BY (ds STRING)",
                    "CREATE TABLE user_totals (user_id BIGINT NOT NULL, total DECIMAL(18,2),"
                            + " PRIMARY KEY (user_id)) TBLPROPERTIES ('transactional'='true',"
                            + " 'write.bucket.num'='16')");

    static final RowType ORDERS_ROW_TYPE =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("order_id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("user_id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("amount", DataTypes.DECIMAL(18, 2)),
                                    DataTypes.FIELD("created_at", DataTypes.TIMESTAMP_LTZ(9)),
                                    DataTypes.FIELD("ds", DataTypes.STRING()))
                            .getLogicalType();

    static final RowType USER_TOTALS_ROW_TYPE =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("user_id", DataTypes.BIGINT().notNull()),
                                    DataTypes.FIELD("total", DataTypes.DECIMAL(18, 2)))
                            .getLogicalType();
}
