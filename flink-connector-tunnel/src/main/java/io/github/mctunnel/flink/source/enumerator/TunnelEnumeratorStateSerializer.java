package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.split.TunnelSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Version 1: the fields of {@link TunnelEnumeratorState} in declaration order; each list as a count
 * followed by its elements; splits in the {@link TunnelSplitSerializer} version 1 form.
 */
@Internal
public final class TunnelEnumeratorStateSerializer
        implements SimpleVersionedSerializer<TunnelEnumeratorState> {

    public static final TunnelEnumeratorStateSerializer INSTANCE =
            new TunnelEnumeratorStateSerializer();

    private static final int CURRENT_VERSION = 1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(TunnelEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeStrings(state.discoveredPartitions(), out);
            writeStrings(state.awaitingSession(), out);
            writeSplits(state.pendingSplits(), out);
            writeSplits(state.awaitingReplacement(), out);
            out.writeInt(state.replacedSessions().size());
            for (ReplacedSession r : state.replacedSessions()) {
                out.writeUTF(r.oldSessionId());
                out.writeUTF(r.newSessionId());
                out.writeLong(r.newRowCount());
            }
            writeStrings(new ArrayList<>(state.handledInvalidations()), out);
            out.writeInt(state.sessionCreationTimes().size());
            for (long t : state.sessionCreationTimes()) {
                out.writeLong(t);
            }
            out.writeBoolean(state.initialDiscoveryDone());
        }
        return bytes.toByteArray();
    }

    @Override
    public TunnelEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of the MaxCompute Tunnel source enumerator state (this connector"
                            + " reads version "
                            + CURRENT_VERSION
                            + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            List<String> discovered = readStrings(in);
            List<String> awaiting = readStrings(in);
            List<TunnelSplit> pending = readSplits(in);
            List<TunnelSplit> replacement = readSplits(in);
            int n = count(in);
            List<ReplacedSession> replaced = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                replaced.add(new ReplacedSession(in.readUTF(), in.readUTF(), in.readLong()));
            }
            Set<String> handled = new LinkedHashSet<>(readStrings(in));
            n = count(in);
            List<Long> times = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                times.add(in.readLong());
            }
            boolean discoveryDone = in.readBoolean();
            if (in.available() > 0) {
                throw new IOException(
                        "Corrupt MaxCompute Tunnel source enumerator state: "
                                + in.available()
                                + " trailing bytes");
            }
            return new TunnelEnumeratorState(
                    discovered,
                    awaiting,
                    pending,
                    replacement,
                    replaced,
                    handled,
                    times,
                    discoveryDone);
        }
    }

    private static void writeStrings(List<String> values, DataOutputStream out) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readUTF());
        }
        return values;
    }

    private static void writeSplits(List<TunnelSplit> splits, DataOutputStream out)
            throws IOException {
        out.writeInt(splits.size());
        for (TunnelSplit s : splits) {
            TunnelSplitSerializer.write(s, out);
        }
    }

    private static List<TunnelSplit> readSplits(DataInputStream in) throws IOException {
        int n = count(in);
        List<TunnelSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            splits.add(TunnelSplitSerializer.read(in));
        }
        return splits;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(
                    "Corrupt MaxCompute Tunnel source enumerator state: negative count " + n);
        }
        return n;
    }
}
