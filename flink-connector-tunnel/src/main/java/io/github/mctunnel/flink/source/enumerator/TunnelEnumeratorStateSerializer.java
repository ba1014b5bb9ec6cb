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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Version 2 (written): the fields of {@link TunnelEnumeratorState} in declaration order; the mark
 * as a presence byte and a UTF string; each list as a count followed by its elements; read
 * partitions as (UTF, long, long), waiting partitions as (UTF, next look, back-off, last row count,
 * since), replaced sessions as (UTF, UTF, long, long); splits in the {@link TunnelSplitSerializer}
 * version 1 form.
 *
 * <p>Version 1 (read): discovered partitions, awaiting session, pending splits, awaiting
 * replacement, replaced sessions (UTF, UTF, long), handled invalidations, session creation times,
 * initial discovery done. Discovered partitions not awaiting a session become read partitions of
 * unknown time and row count, replaced sessions get an unknown creation time, handled invalidations
 * are dropped (a checkpoint's readers never hold one), and no rows count toward a limit.
 */
@Internal
public final class TunnelEnumeratorStateSerializer
        implements SimpleVersionedSerializer<TunnelEnumeratorState> {

    public static final TunnelEnumeratorStateSerializer INSTANCE =
            new TunnelEnumeratorStateSerializer();

    private static final int CURRENT_VERSION = 2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(TunnelEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(state.readMark() != null);
            if (state.readMark() != null) {
                out.writeUTF(state.readMark());
            }
            out.writeInt(state.readPartitions().size());
            for (ReadPartition p : state.readPartitions()) {
                out.writeUTF(p.partition());
                out.writeLong(p.readAtMillis());
                out.writeLong(p.rowsCut());
            }
            out.writeInt(state.waitingPartitions().size());
            for (WaitingPartition p : state.waitingPartitions()) {
                out.writeUTF(p.partition());
                out.writeLong(p.recheckAtMillis());
                out.writeLong(p.backoffMillis());
                out.writeLong(p.lastCount());
                out.writeLong(p.countSinceMillis());
            }
            writeStrings(state.awaitingSession(), out);
            writeSplits(state.pendingSplits(), out);
            writeSplits(state.awaitingReplacement(), out);
            out.writeInt(state.replacedSessions().size());
            for (ReplacedSession r : state.replacedSessions()) {
                out.writeUTF(r.oldSessionId());
                out.writeUTF(r.newSessionId());
                out.writeLong(r.newRowCount());
                out.writeLong(r.createdAtMillis());
            }
            out.writeInt(state.sessionCreationTimes().size());
            for (long t : state.sessionCreationTimes()) {
                out.writeLong(t);
            }
            out.writeBoolean(state.initialDiscoveryDone());
            out.writeLong(state.rowsAssigned());
        }
        return bytes.toByteArray();
    }

    @Override
    public TunnelEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != CURRENT_VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of the MaxCompute Tunnel source enumerator state (this connector"
                            + " reads versions 1 to "
                            + CURRENT_VERSION
                            + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            TunnelEnumeratorState state = version == 1 ? readV1(in) : readV2(in);
            if (in.available() > 0) {
                throw new IOException(
                        "Corrupt MaxCompute Tunnel source enumerator state: "
                                + in.available()
                                + " trailing bytes");
            }
            return state;
        }
    }

    private static TunnelEnumeratorState readV2(DataInputStream in) throws IOException {
        String mark = in.readBoolean() ? in.readUTF() : null;
        int n = count(in);
        List<ReadPartition> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            read.add(new ReadPartition(in.readUTF(), in.readLong(), in.readLong()));
        }
        n = count(in);
        List<WaitingPartition> waiting = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            waiting.add(
                    new WaitingPartition(
                            in.readUTF(),
                            in.readLong(),
                            in.readLong(),
                            in.readLong(),
                            in.readLong()));
        }
        List<String> awaiting = readStrings(in);
        List<TunnelSplit> pending = readSplits(in);
        List<TunnelSplit> replacement = readSplits(in);
        n = count(in);
        List<ReplacedSession> replaced = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replaced.add(
                    new ReplacedSession(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
        List<Long> times = readLongs(in);
        boolean discoveryDone = in.readBoolean();
        long rowsAssigned = in.readLong();
        return new TunnelEnumeratorState(
                mark,
                read,
                waiting,
                awaiting,
                pending,
                replacement,
                replaced,
                times,
                discoveryDone,
                rowsAssigned);
    }

    private static TunnelEnumeratorState readV1(DataInputStream in) throws IOException {
        List<String> discovered = readStrings(in);
        List<String> awaiting = readStrings(in);
        List<TunnelSplit> pending = readSplits(in);
        List<TunnelSplit> replacement = readSplits(in);
        int n = count(in);
        List<ReplacedSession> replaced = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replaced.add(new ReplacedSession(in.readUTF(), in.readUTF(), in.readLong(), -1));
        }
        readStrings(in); // handled invalidations: not needed after a restore
        List<Long> times = readLongs(in);
        boolean discoveryDone = in.readBoolean();
        Set<String> awaitingSet = new HashSet<>(awaiting);
        List<ReadPartition> read = new ArrayList<>();
        for (String p : discovered) {
            if (!awaitingSet.contains(p)) {
                read.add(new ReadPartition(p, -1, -1));
            }
        }
        return new TunnelEnumeratorState(
                null,
                read,
                List.of(),
                awaiting,
                pending,
                replacement,
                replaced,
                times,
                discoveryDone,
                0);
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

    private static List<Long> readLongs(DataInputStream in) throws IOException {
        int n = count(in);
        List<Long> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readLong());
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
