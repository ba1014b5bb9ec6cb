package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The life of every upload session of one exactly-once sink, kept by its coordinator on the
 * JobManager. Pure state machine: the service is reached only through {@link SessionService}, time
 * comes from the caller, and nothing here is thread-safe (the coordinator runs it on one thread).
 *
 * <pre>
 *   created ─grant─▶ ASSIGNED (partition, epoch) ─checkpoint ≥ epoch completes─┬─ a writer used it ─▶ COMMITTING
 *                      ▲                                                      └─ nobody used it ──▶ SPARE
 *                      └──────────────── a later epoch of the partition takes a SPARE ◀────────────────┘
 *   COMMITTING ─ service says committed or gone, or older than the lifetime ─▶ forgotten
 *   SPARE ─ closed empty to make room, committed or gone, or too old to reuse ─▶ forgotten / ABANDONED
 *   a session fenced {@value #GENERATIONS} times ─▶ ABANDONED (never committed) ─ lifetime over ─▶ forgotten
 * </pre>
 *
 * <p><b>Fencing.</b> Writers get a block-id range per (session, generation, subtask): {@code
 * (generation × parallelism + subtask) × rangeSize}. When the attempt of writers holding a session
 * fails ({@link #subtaskReset}, {@link #resetTo}), the session is fenced: the next writer that gets
 * it gets the next generation's range, so a writer of the failed attempt that is still alive (a
 * zombie) writes only block ids that the new attempt never reports; the committer replaces every
 * block nobody reported by an empty one before it commits. After {@value #GENERATIONS} generations
 * the session is abandoned (left to expire, never committed) and a new one is created.
 *
 * <p><b>Bounded.</b> Committing sessions are forgotten once the service reports them committed (or
 * no longer knows them), at the latest after the session lifetime; spares are never handed out
 * older than the lifetime minus {@link #REUSE_MARGIN_MILLIS}; abandoned sessions count toward the
 * concurrent-session budget until their lifetime is over, as they do at the service.
 */
@Internal
final class SessionLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SessionLifecycle.class);

    /** Block-id generations of one session: it survives this many fencings minus one. */
    static final int GENERATIONS = 16;

    /** The service's upload session lifetime. */
    static final long LIFETIME_MILLIS = 24L * 3600 * 1000;

    /** A spare is not handed out when it would expire within this margin. */
    static final long REUSE_MARGIN_MILLIS = 3600 * 1000;

    private static final long FIVE_MINUTES = 300_000;
    private static final long BUDGET_RETRY_MILLIS = 500;
    private static final int STATE_VERSION = 2;

    /** What the lifecycle needs of the service. */
    interface SessionService {
        /** Creates an upload session of the partition (creating the partition if needed). */
        String create(String partition) throws IOException;

        /** The session's status at the service. */
        SessionStatus status(String partition, String sessionId) throws IOException;

        /** Replaces every block by an empty one and commits: the session adds no row. */
        void closeEmpty(String partition, String sessionId) throws IOException;
    }

    enum SessionStatus {
        OPEN,
        COMMITTED,
        /** The service no longer knows the session (expired, or never existed). */
        GONE
    }

    /** The coordinator's answer to a writer: a session and block range, or a wait. */
    record Grant(String sessionId, long firstBlockId, long blockCount, long retryAfterMillis) {
        static Grant waitFor(long millis) {
            return new Grant(null, 0, 0, millis);
        }
    }

    private static final class Tracked {
        final String id;
        final String partition;
        final long createdAt;
        long epoch;
        int generation;
        boolean fenced;

        /** Assigned from a restored checkpoint: may hold committables of that checkpoint. */
        boolean restored;

        long retiredAt;
        final BitSet users = new BitSet();

        Tracked(String id, String partition, long createdAt) {
            this.id = id;
            this.partition = partition;
            this.createdAt = createdAt;
        }

        boolean used() {
            return restored || !users.isEmpty();
        }
    }

    private final String table;
    private final SessionService service;
    private final TableWriteLimits limits;
    private final int parallelism;
    private final int maxPartitionsPerEpoch;
    private final String partitionsSetting;
    private final boolean overwrite;
    private final SlidingWindowBudget creations;

    private final Map<String, Tracked> assigned = new LinkedHashMap<>();
    private final Map<String, Tracked> committing = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<Tracked>> spares = new LinkedHashMap<>();
    private final Map<String, Tracked> abandoned = new LinkedHashMap<>();

    /**
     * @param parallelism the writers' parallelism (block ranges are split among them)
     * @param overwrite sessions are overwrite sessions: a spare is abandoned, never committed empty
     *     (that would wipe its partition)
     */
    SessionLifecycle(
            String table,
            SessionService service,
            TableWriteLimits limits,
            int parallelism,
            int maxPartitionsPerEpoch,
            String partitionsSetting,
            boolean overwrite) {
        BlockIdRange.of(0, parallelism, 0); // validates the parallelism
        this.table = table;
        this.service = service;
        this.limits = limits;
        this.parallelism = parallelism;
        this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
        this.partitionsSetting = partitionsSetting;
        this.overwrite = overwrite;
        this.creations = new SlidingWindowBudget(limits.sessionsPer5Minutes(), FIVE_MINUTES);
    }

    private static String key(String partition, long epoch) {
        return partition + '\u0000' + epoch;
    }

    /** The session and block range of writer {@code subtask} for (partition, epoch). */
    Grant grant(String partition, long epoch, int subtask, long now) throws IOException {
        if (subtask < 0 || subtask >= parallelism) {
            throw new IllegalArgumentException(
                    "Subtask " + subtask + " is outside parallelism " + parallelism);
        }
        String key = key(partition, epoch);
        Tracked s = assigned.get(key);
        if (s != null && s.fenced && !nextGeneration(s, now)) {
            assigned.remove(key);
            s = null;
        }
        if (s == null) {
            long partitionsInEpoch =
                    assigned.values().stream().filter(x -> x.epoch == epoch).count();
            if (partitionsInEpoch >= maxPartitionsPerEpoch) {
                throw new IOException(
                        "more than "
                                + maxPartitionsPerEpoch
                                + " partitions were written between two checkpoints; raise "
                                + partitionsSetting
                                + " (within the table's budgets) or route"
                                + " fewer partitions to the sink per checkpoint");
            }
            s = takeSpare(partition, now);
            if (s == null) {
                long wait = creationWait(partition, now);
                if (wait > 0) {
                    return Grant.waitFor(wait);
                }
                creations.record(now);
                s = new Tracked(service.create(partition), partition, now);
                LOG.info(
                        "Created {}upload session {} of table {} {} for epoch {}",
                        overwrite ? "overwrite " : "",
                        s.id,
                        table,
                        describe(partition),
                        epoch);
            } else {
                LOG.info(
                        "Reusing upload session {} of table {} {} for epoch {} (block generation"
                                + " {})",
                        s.id,
                        table,
                        describe(partition),
                        epoch,
                        s.generation);
            }
            s.epoch = epoch;
            assigned.put(key, s);
        }
        s.users.set(subtask);
        BlockIdRange range = BlockIdRange.of(subtask, parallelism, s.generation);
        return new Grant(s.id, range.first(), range.size(), 0);
    }

    /** Moves a fenced session to its next block generation; false when it had its last one. */
    private boolean nextGeneration(Tracked s, long now) {
        s.fenced = false;
        if (s.generation + 1 >= GENERATIONS) {
            abandon(s, "it was fenced " + GENERATIONS + " times");
            return false;
        }
        s.generation++;
        return true;
    }

    private void abandon(Tracked s, String why) {
        abandoned.put(s.id, s);
        LOG.info(
                "Abandoned upload session {} of table {} {}: {}; it is never committed and expires"
                        + " at the service",
                s.id,
                table,
                describe(s.partition),
                why);
    }

    /** A spare of the partition that the service still holds open and that lives long enough. */
    private Tracked takeSpare(String partition, long now) throws IOException {
        ArrayDeque<Tracked> queue = spares.get(partition);
        while (queue != null && !queue.isEmpty()) {
            Tracked s = queue.pollFirst();
            if (queue.isEmpty()) {
                spares.remove(partition);
            }
            if (now - s.createdAt >= LIFETIME_MILLIS - REUSE_MARGIN_MILLIS) {
                abandon(s, "it is too close to the end of its lifetime to be reused");
                continue;
            }
            SessionStatus status = service.status(partition, s.id);
            if (status != SessionStatus.OPEN) {
                LOG.info(
                        "Spare upload session {} of table {} {} is {} at the service; not reused",
                        s.id,
                        table,
                        describe(partition),
                        status == SessionStatus.COMMITTED ? "committed" : "gone");
                continue;
            }
            if (s.fenced && !nextGeneration(s, now)) {
                continue;
            }
            return s;
        }
        return null;
    }

    private long creationWait(String partition, long now) throws IOException {
        long wait = creations.waitMillis(now);
        if (wait == 0 && openSessions(now) >= limits.concurrentSessions()) {
            makeRoom(partition, now);
            wait = openSessions(now) >= limits.concurrentSessions() ? BUDGET_RETRY_MILLIS : 0;
        }
        return wait;
    }

    /** Forgets committed sessions, then closes spares of other partitions. */
    private void makeRoom(String partition, long now) throws IOException {
        pruneCommitting(Long.MAX_VALUE, now);
        Iterator<Map.Entry<String, ArrayDeque<Tracked>>> it = spares.entrySet().iterator();
        while (it.hasNext() && openSessions(now) >= limits.concurrentSessions()) {
            Map.Entry<String, ArrayDeque<Tracked>> e = it.next();
            if (e.getKey().equals(partition)) {
                continue;
            }
            ArrayDeque<Tracked> queue = e.getValue();
            while (!queue.isEmpty() && openSessions(now) >= limits.concurrentSessions()) {
                Tracked s = queue.pollFirst();
                if (overwrite) {
                    // committed empty it would replace the partition by nothing
                    abandon(s, "a spare overwrite session is never committed");
                    continue;
                }
                if (service.status(s.partition, s.id) == SessionStatus.OPEN) {
                    service.closeEmpty(s.partition, s.id);
                    LOG.info(
                            "Closed spare upload session {} of table {} {} (committed empty)",
                            s.id,
                            table,
                            describe(s.partition));
                }
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Sessions the service counts as open for this sink (as far as the coordinator knows). */
    int openSessions(long now) {
        expireAbandoned(now);
        int n = assigned.size() + committing.size() + abandoned.size();
        for (ArrayDeque<Tracked> q : spares.values()) {
            n += q.size();
        }
        return n;
    }

    private void expireAbandoned(long now) {
        abandoned.values().removeIf(s -> now - s.createdAt >= LIFETIME_MILLIS);
    }

    /**
     * Checkpoint {@code checkpointId} completed: sessions of epochs up to it that a writer used are
     * being committed, unused ones become spares; committing sessions retired at an earlier
     * checkpoint are forgotten once the service reports them committed or gone.
     */
    void checkpointComplete(long checkpointId, long now) {
        retireUpTo(checkpointId);
        try {
            pruneCommitting(checkpointId, now);
        } catch (IOException e) {
            LOG.warn(
                    "Could not read the status of committing upload sessions of table {}; asking"
                            + " again at the next checkpoint",
                    table,
                    e);
        }
        for (Iterator<ArrayDeque<Tracked>> it = spares.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Tracked> queue = it.next();
            queue.removeIf(
                    s -> {
                        if (now - s.createdAt >= LIFETIME_MILLIS - REUSE_MARGIN_MILLIS) {
                            abandon(s, "it is too close to the end of its lifetime to be reused");
                            return true;
                        }
                        return false;
                    });
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        expireAbandoned(now);
    }

    private void retireUpTo(long checkpointId) {
        Iterator<Tracked> it = assigned.values().iterator();
        while (it.hasNext()) {
            Tracked s = it.next();
            if (s.epoch > checkpointId) {
                continue;
            }
            it.remove();
            if (s.used()) {
                s.retiredAt = checkpointId;
                s.restored = false;
                committing.put(s.id, s);
            } else {
                s.fenced = true;
                spares.computeIfAbsent(s.partition, p -> new ArrayDeque<>()).addLast(s);
            }
        }
    }

    /** Forgets committing sessions retired before {@code checkpointId} that are done. */
    private void pruneCommitting(long checkpointId, long now) throws IOException {
        Iterator<Tracked> it = committing.values().iterator();
        while (it.hasNext()) {
            Tracked s = it.next();
            if (now - s.createdAt >= LIFETIME_MILLIS) {
                it.remove();
                continue;
            }
            if (s.retiredAt >= checkpointId) {
                continue; // its committer may not have run yet
            }
            if (service.status(s.partition, s.id) != SessionStatus.OPEN) {
                it.remove();
            }
        }
    }

    /**
     * The writer {@code subtask} restarts from checkpoint {@code checkpointId} (a failover of its
     * region): sessions of epochs up to that checkpoint are committing (its committables are in the
     * restored state); sessions of later epochs it held are fenced.
     */
    void subtaskReset(int subtask, long checkpointId) {
        retireUpTo(checkpointId);
        for (Tracked s : assigned.values()) {
            if (s.users.get(subtask)) {
                s.users.clear(subtask);
                s.fenced = true;
            }
        }
    }

    /** A global failover to checkpoint {@code checkpointId}: every writer restarts. */
    void resetTo(long checkpointId) {
        retireUpTo(checkpointId);
        for (Tracked s : assigned.values()) {
            s.users.clear();
            s.restored = false;
            s.fenced = true;
        }
    }

    boolean isEmpty() {
        return assigned.isEmpty()
                && committing.isEmpty()
                && spares.isEmpty()
                && abandoned.isEmpty();
    }

    /** Ids of the sessions counted as open, for tests and metrics. */
    List<String> openSessionIds() {
        List<String> ids = new ArrayList<>();
        assigned.values().forEach(s -> ids.add(s.id));
        spares.values().forEach(q -> q.forEach(s -> ids.add(s.id)));
        ids.addAll(committing.keySet());
        ids.addAll(abandoned.keySet());
        return ids;
    }

    /** How many sessions of each state are tracked (for tests and the state bound). */
    Map<String, Integer> counts() {
        int spareCount = 0;
        for (ArrayDeque<Tracked> q : spares.values()) {
            spareCount += q.size();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("assigned", assigned.size());
        counts.put("committing", committing.size());
        counts.put("spare", spareCount);
        counts.put("abandoned", abandoned.size());
        return counts;
    }

    byte[] snapshot() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_VERSION);
            out.writeInt(assigned.size());
            for (Tracked s : assigned.values()) {
                write(out, s);
                out.writeLong(s.epoch);
            }
            List<Tracked> spareList = new ArrayList<>();
            spares.values().forEach(spareList::addAll);
            out.writeInt(spareList.size());
            for (Tracked s : spareList) {
                write(out, s);
            }
            out.writeInt(committing.size());
            for (Tracked s : committing.values()) {
                write(out, s);
                out.writeLong(s.retiredAt);
            }
            out.writeInt(abandoned.size());
            for (Tracked s : abandoned.values()) {
                write(out, s);
            }
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Tracked s) throws IOException {
        out.writeUTF(s.id);
        out.writeUTF(s.partition);
        out.writeLong(s.createdAt);
        out.writeInt(s.generation);
    }

    private static Tracked read(DataInputStream in) throws IOException {
        Tracked s = new Tracked(in.readUTF(), in.readUTF(), in.readLong());
        s.generation = in.readInt();
        return s;
    }

    /**
     * Takes the state of a checkpoint (a new coordinator after a JobManager failover or a restore
     * from a savepoint). Version 1 states (before this lifecycle) carry no creation times: their
     * sessions count as created {@code now} and are checked at the service before any reuse.
     */
    void restore(byte[] data, long now) throws IOException {
        if (data == null || data.length == 0) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version == 1) {
                restoreVersion1(in, now);
                return;
            }
            if (version != STATE_VERSION) {
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of the Tunnel session coordinator state of table "
                                + table);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Tracked s = read(in);
                s.epoch = in.readLong();
                // conservatively used: the restored checkpoint may hold committables for it
                s.restored = true;
                assigned.put(key(s.partition, s.epoch), s);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Tracked s = read(in);
                s.fenced = true;
                spares.computeIfAbsent(s.partition, p -> new ArrayDeque<>()).addLast(s);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Tracked s = read(in);
                s.retiredAt = in.readLong();
                committing.put(s.id, s);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Tracked s = read(in);
                abandoned.put(s.id, s);
            }
        }
    }

    private void restoreVersion1(DataInputStream in, long now) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            String partition = in.readUTF();
            long epoch = in.readLong();
            Tracked s = new Tracked(in.readUTF(), partition, now);
            s.epoch = epoch;
            s.restored = true;
            assigned.put(key(partition, epoch), s);
        }
        for (int i = in.readInt(); i > 0; i--) {
            String partition = in.readUTF();
            for (int j = in.readInt(); j > 0; j--) {
                Tracked s = new Tracked(in.readUTF(), partition, now);
                s.fenced = true;
                spares.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(s);
            }
        }
        for (int i = in.readInt(); i > 0; i--) {
            String id = in.readUTF();
            Tracked s = new Tracked(id, in.readUTF(), now);
            committing.put(id, s);
        }
    }

    private static String describe(String partition) {
        return partition.isEmpty() ? "(not partitioned)" : "partition " + partition;
    }
}
