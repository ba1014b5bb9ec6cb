package io.github.mctunnel.client.codec;

/**
 * Field numbers and wire types of the Tunnel record stream (protocol fact sheet §10.2). Data fields
 * use the 1-based column position as field number; the magic numbers below sit just under 2^25 so
 * they never collide with a column.
 */
final class RecordStreamTags {

    static final int WIRETYPE_VARINT = 0;
    static final int WIRETYPE_FIXED64 = 1;
    static final int WIRETYPE_LENGTH_DELIMITED = 2;
    static final int WIRETYPE_FIXED32 = 5;

    /** Ends a record; its value is the record's CRC-32C as uint32. */
    static final int END_RECORD = 33553408;

    /** Trailer: number of records as sint64. */
    static final int META_COUNT = 33554430;

    /** Trailer: CRC-32C over the record CRCs, as uint32. */
    static final int META_CHECKSUM = 33554431;

    /** Trailer (server to client, optional): metrics JSON as length-delimited bytes. */
    static final int METRICS = 1;

    /** Trailer (optional): CRC-32C of the metrics, as uint32. */
    static final int METRICS_END = 33554176;

    static final int END_RECORD_TAG = tag(END_RECORD, WIRETYPE_VARINT);
    static final int META_COUNT_TAG = tag(META_COUNT, WIRETYPE_VARINT);
    static final int META_CHECKSUM_TAG = tag(META_CHECKSUM, WIRETYPE_VARINT);

    private RecordStreamTags() {}

    static int tag(int fieldNumber, int wireType) {
        return (fieldNumber << 3) | wireType;
    }

    static int fieldNumber(int tag) {
        return tag >>> 3;
    }
}
