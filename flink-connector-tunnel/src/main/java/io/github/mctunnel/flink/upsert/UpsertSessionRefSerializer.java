package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Versioned serializer of {@link UpsertSessionRef} (writer state and committable). Version 1 had no
 * {@code last} flag, version 2 no {@code restored} flag (read as false), version 3 no count of
 * changes (read as -1, unknown) and no restored checkpoint (read as -1).
 */
@Internal
public final class UpsertSessionRefSerializer
        implements SimpleVersionedSerializer<UpsertSessionRef> {

    private static final int VERSION = 4;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(UpsertSessionRef ref) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(ref.partition());
        out.writeUTF(ref.sessionId());
        out.writeInt(ref.subtask());
        out.writeInt(ref.parallelism());
        out.writeBoolean(ref.last());
        out.writeBoolean(ref.restored());
        out.writeLong(ref.changes());
        out.writeLong(ref.checkpoint());
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public UpsertSessionRef deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException(
                    "Unknown upsert session state version "
                            + version
                            + "; this connector reads versions 1 to "
                            + VERSION);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
        String partition = in.readUTF();
        String sessionId = in.readUTF();
        int subtask = in.readInt();
        int parallelism = in.readInt();
        boolean last = version >= 2 && in.readBoolean();
        boolean restored = version >= 3 && in.readBoolean();
        long changes = version >= 4 ? in.readLong() : -1;
        long checkpoint = version >= 4 ? in.readLong() : -1;
        return new UpsertSessionRef(
                partition, sessionId, subtask, parallelism, last, restored, changes, checkpoint);
    }
}
