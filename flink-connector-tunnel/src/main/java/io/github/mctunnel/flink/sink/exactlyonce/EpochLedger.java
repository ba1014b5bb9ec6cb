package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committables the global committer holds until their checkpoint completed, by the checkpoint
 * id the writers tagged them with (the epoch: rows written after checkpoint {@code c - 1} are
 * tagged {@code c}, also the last rows of a bounded input). Not thread-safe.
 */
@Internal
final class EpochLedger {

    private static final int VERSION = 1;

    private final TreeMap<Long, List<BlockCommittable>> epochs = new TreeMap<>();

    void add(long checkpointId, BlockCommittable committable) {
        epochs.computeIfAbsent(checkpointId, id -> new ArrayList<>()).add(committable);
    }

    /** Removes and returns the committables of each epoch up to {@code checkpointId}, in order. */
    List<List<BlockCommittable>> takeUpTo(long checkpointId) {
        Map<Long, List<BlockCommittable>> head = epochs.headMap(checkpointId, true);
        List<List<BlockCommittable>> taken = new ArrayList<>(head.values());
        head.clear();
        return taken;
    }

    /**
     * Removes and returns the committables of every epoch up to {@code checkpointId} as one list,
     * to be committed together: a session is committed once with the blocks reported for it in any
     * of them (a writer that missed an aborted checkpoint's barrier reports its blocks of that
     * epoch with a later checkpoint; committing epoch by epoch would commit the session without
     * them and then find it committed).
     */
    List<BlockCommittable> takeDueUpTo(long checkpointId) {
        List<BlockCommittable> due = new ArrayList<>();
        for (List<BlockCommittable> epoch : takeUpTo(checkpointId)) {
            due.addAll(epoch);
        }
        return due;
    }

    /** How many epochs wait for their checkpoint (read by the metric reporter thread). */
    int pendingEpochCount() {
        return epochs.size();
    }

    /** The epochs still waiting for their checkpoint, in order. */
    List<Long> pendingEpochs() {
        return new ArrayList<>(epochs.keySet());
    }

    byte[] serialize(BlockCommittableSerializer serializer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(epochs.size());
            for (Map.Entry<Long, List<BlockCommittable>> e : epochs.entrySet()) {
                out.writeLong(e.getKey());
                out.writeInt(e.getValue().size());
                for (BlockCommittable c : e.getValue()) {
                    byte[] b = serializer.serialize(c);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
        }
        return bytes.toByteArray();
    }

    /** Adds the committables of a state written by {@link #serialize}. */
    void restore(byte[] data, BlockCommittableSerializer serializer) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of the Tunnel exactly-once committer state (this connector"
                                + " reads "
                                + VERSION
                                + ")");
            }
            for (int i = in.readInt(); i > 0; i--) {
                long checkpointId = in.readLong();
                for (int j = in.readInt(); j > 0; j--) {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    add(checkpointId, serializer.deserialize(serializer.getVersion(), b));
                }
            }
        }
    }
}
