package io.github.mctunnel.flink.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Version 1: partition (UTF), session id (UTF), session row count, start, end, next row (longs).
 */
@Internal
public final class TunnelSplitSerializer implements SimpleVersionedSerializer<TunnelSplit> {

    public static final TunnelSplitSerializer INSTANCE = new TunnelSplitSerializer();

    private static final int CURRENT_VERSION = 1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(TunnelSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public TunnelSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of a MaxCompute Tunnel split (this connector reads version "
                            + CURRENT_VERSION
                            + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            TunnelSplit split = read(in);
            if (in.available() > 0) {
                throw new IOException(
                        "Corrupt MaxCompute Tunnel split: " + in.available() + " trailing bytes");
            }
            return split;
        }
    }

    /** Writes the version 1 form (used nested in the enumerator state). */
    public static void write(TunnelSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.partition());
        out.writeUTF(split.sessionId());
        out.writeLong(split.sessionRowCount());
        out.writeLong(split.start());
        out.writeLong(split.end());
        out.writeLong(split.nextRow());
    }

    /** Reads the version 1 form. */
    public static TunnelSplit read(DataInputStream in) throws IOException {
        String partition = in.readUTF();
        String sessionId = in.readUTF();
        long rows = in.readLong();
        long start = in.readLong();
        long end = in.readLong();
        long next = in.readLong();
        try {
            return new TunnelSplit(partition, sessionId, rows, start, end, next);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt MaxCompute Tunnel split: " + e.getMessage(), e);
        }
    }
}
