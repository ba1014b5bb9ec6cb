package io.github.mctunnel.client.schema;

import java.util.Objects;

/**
 * A table column (data column or partition key).
 *
 * @param name column name as the service returns it (lower case in practice)
 * @param type column type
 * @param nullable whether NULL is allowed
 * @param comment column comment, empty when none
 * @param columnId the service's column id (needed for upsert partial updates), or null
 */
public record Column(
        String name, TypeInfo type, boolean nullable, String comment, String columnId) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        comment = comment == null ? "" : comment;
    }

    public static Column of(String name, TypeInfo type) {
        return new Column(name, type, true, "", null);
    }

    public static Column of(String name, String type) {
        return of(name, TypeInfo.parse(type));
    }
}
