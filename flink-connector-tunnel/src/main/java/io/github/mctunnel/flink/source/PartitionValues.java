package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.Column;

/** Parses a partition value (always text in a spec) into the codec's Java value of its key type. */
final class PartitionValues {

    private PartitionValues() {}

    /**
     * @throws IllegalArgumentException for a key type partitions cannot have, or a value that does
     *     not parse
     */
    static Object parse(Column key, String text) {
        try {
            return switch (key.type().type()) {
                case STRING, VARCHAR, CHAR -> text;
                case BIGINT -> Long.parseLong(text);
                case INT -> Integer.parseInt(text);
                case SMALLINT -> Short.parseShort(text);
                case TINYINT -> Byte.parseByte(text);
                default ->
                        throw new IllegalArgumentException(
                                "Partition key '"
                                        + key.name()
                                        + "' has type "
                                        + key.type()
                                        + ", which the source cannot read");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Value '"
                            + text
                            + "' of partition key '"
                            + key.name()
                            + "' is not a "
                            + key.type(),
                    e);
        }
    }
}
