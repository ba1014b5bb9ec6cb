package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Versioned binary form of {@link BlockCommittable} (kept in committer state). */
@Internal
public final class BlockCommittableSerializer
        implements SimpleVersionedSerializer<BlockCommittable> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BlockCommittable c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * c.blockIds().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.sessionId());
            out.writeUTF(c.partition());
            out.writeLong(c.epoch());
            out.writeLong(c.rowCount());
            out.writeInt(c.blockIds().size());
            for (long id : c.blockIds()) {
                out.writeLong(id);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public BlockCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of a Tunnel exactly-once committable (this connector reads "
                            + VERSION
                            + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String session = in.readUTF();
            String partition = in.readUTF();
            long epoch = in.readLong();
            long rows = in.readLong();
            int n = in.readInt();
            List<Long> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readLong());
            }
            return new BlockCommittable(session, partition, epoch, ids, rows);
        }
    }
}
