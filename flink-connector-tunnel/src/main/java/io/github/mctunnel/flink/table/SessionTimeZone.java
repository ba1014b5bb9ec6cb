package io.github.mctunnel.flink.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.TableConfigOptions;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The SQL session time zone ({@code table.local-time-zone}) in which {@code TIMESTAMP} (no zone)
 * columns declared for MaxCompute {@code DATETIME} and {@code TIMESTAMP} columns (instants) are
 * read and written, resolved as Flink's planner resolves it for {@code TIMESTAMP_LTZ} conversions:
 * {@code 'default'} is the JVM time zone where the statement is planned, anything else a zone id.
 * The zone is resolved once, when the table's source or sink is created, and travels with the job,
 * so the TaskManagers' time zones never matter.
 */
@Internal
public final class SessionTimeZone {

    private SessionTimeZone() {}

    /**
     * @throws ValidationException naming the option when it is not a valid zone id
     */
    public static ZoneId of(ReadableConfig configuration) {
        String zone = configuration.get(TableConfigOptions.LOCAL_TIME_ZONE);
        if (zone == null || zone.equals(TableConfigOptions.LOCAL_TIME_ZONE.defaultValue())) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new ValidationException(
                    "Option '"
                            + TableConfigOptions.LOCAL_TIME_ZONE.key()
                            + "' is not a time zone id: '"
                            + zone
                            + "'",
                    e);
        }
    }
}
