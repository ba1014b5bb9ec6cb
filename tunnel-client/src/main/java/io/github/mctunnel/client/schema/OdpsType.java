package io.github.mctunnel.client.schema;

import java.util.Locale;

/** MaxCompute (ODPS 2.0) column types supported by the Tunnel record codec. */
public enum OdpsType {
    BIGINT,
    INT,
    SMALLINT,
    TINYINT,
    BOOLEAN,
    DOUBLE,
    FLOAT,
    STRING,
    VARCHAR,
    CHAR,
    BINARY,
    JSON,
    DECIMAL,
    DATE,
    DATETIME,
    TIMESTAMP,
    TIMESTAMP_NTZ,
    INTERVAL_DAY_TIME,
    INTERVAL_YEAR_MONTH,
    ARRAY,
    MAP,
    STRUCT;

    /** Lower-case name as the service spells it in schema JSON and DDL. */
    public String typeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isNested() {
        return this == ARRAY || this == MAP || this == STRUCT;
    }

    /** Types whose values are text (UTF-8 on the wire). */
    public boolean isText() {
        return this == STRING || this == VARCHAR || this == CHAR || this == JSON;
    }
}
