package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.sink.session.ExecutionAttempts;
import io.github.mctunnel.flink.sink.session.RetiredSessions;
import io.github.mctunnel.flink.sink.session.SessionLifetime;
import io.github.mctunnel.flink.sink.session.SessionStatus;

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
 *   SPARE ─ closed empty to make room, committed or gone, or too old to reuse ─▶ forgotten
 *   fenced in its last block generation, or too old ─▶ closed empty (no writer holds it) or ABANDONED
 *   ABANDONED (never committed) ─ lifetime over ─▶ forgotten
 * </pre>
 *
 * <p><b>Fencing.</b> Writers get a block-id range per (session, generation, subtask) (see {@link
 * BlockIdRange}). When the attempt of writers holding a session fails ({@link #subtaskReset},
 * {@link #resetTo}), the session is fenced: the next writer that gets it gets the next generation's
 * range, so a writer of the failed attempt that is still alive (a zombie) writes only block ids
 * that the new attempt never reports; the committer replaces every block nobody reported by an
 * empty one before it commits. Requests of an execution attempt older than the subtask's current
 * one are refused ({@link #attemptFailed}, {@link #attemptReady}). A session that used up its
 * {@value #GENERATIONS} generations is closed empty when no writer holds it (a late write of the
 * failed attempt then fails). While other writers still write it (BATCH, where each writer fails
 * over alone) it stays assigned beside a new session of the same epoch for the restarted writer
 * (append: both are committed), or the job fails (overwrite: a second session would replace the
 * first one's rows).
 *
 * <p><b>Restores.</b> Spares listed in a restored checkpoint may have been taken by a writer after
 * that checkpoint's coordinator snapshot (which precedes the barrier) and hold blocks the restored
 * committer is about to commit; they wait, counted as committing, until a later checkpoint
 * completed (the committer's restore commit ran before it could) and are reused only if the service
 * still holds them open.
 *
 * <p><b>Bounded.</b> Committing sessions are forgotten once the service reports them committed (or
 * no longer knows them; checked 1, 2, 4, 8, ... checkpoints after they were retired), at the latest
 * after the session lifetime; spares are never handed out older than the lifetime minus {@link
 * #REUSE_MARGIN_MILLIS}; abandoned sessions count toward the concurrent-session budget until their
 * lifetime is over, as they do at the service.
 */
@Internal
final class SessionLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SessionLifecycle.class);

    /** Block-id generations of one session: it survives this many fencings minus one. */
    static final int GENERATIONS = 4;

    /** The service's upload session lifetime. */
    static final long LIFETIME_MILLIS = SessionLifetime.LIFETIME_MILLIS;

    /** A session is not handed out again when it would expire within this margin. */
    static final long REUSE_MARGIN_MILLIS = SessionLifetime.REUSE_MARGIN_MILLIS;

    private static final long FIVE_MINUTES = 300_000;
    private static final long BUDGET_RETRY_MILLIS = 500;
    private static final int STATE_VERSION = 2;

    /** What the lifecycle needs of the service. */
    interface SessionService {
        /**
         * Creates an upload session of the partition (creating the partition if needed); null when
         * the service refuses it for now (its concurrent-session limit).
         */
        String create(String partition) throws IOException;

        /** The session's status at the service. */
        SessionStatus status(String partition, String sessionId) throws IOException;

        /** Replaces every block by an empty one and commits: the session adds no row. */
        void closeEmpty(String partition, String sessionId) throws IOException;
    }

    /** The coordinator's answer to a writer: a session and block range, or a wait. */
    record Grant(String sessionId, long firstBlockId, long blockCount, long retryAfterMillis) {
        static Grant waitFor(long millis) {
            return new Grant(null, 0, 0, millis);
        }
    }

    private static final class Tracked implements RetiredSessions.Retired {
        final String id;
        final String partition;
        final long createdAt;
        long epoch;
        int generation;
        boolean fenced;

        /** Assigned from a restored checkpoint: may hold committables of that checkpoint. */
        boolean restored;

        /** A restored spare waiting, as committing, for a checkpoint after the restored one. */
        boolean quarantined;

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

        @Override
        public String id() {
            return id;
        }

        @Override
        public String partition() {
            return partition;
        }

        @Override
        public long createdAt() {
            return createdAt;
        }

        @Override
        public long retiredAt() {
            return retiredAt;
        }
    }

    private final String table;
    private final SessionService service;
    private final TableWriteLimits limits;
    private final int maxPartitionsPerEpoch;
    private final String partitionsSetting;
    private final boolean overwrite;
    private final SlidingWindowBudget creations;

    private final ExecutionAttempts attempts;

    private final Map<String, Tracked> assigned = new LinkedHashMap<>();
    private final RetiredSessions<Tracked> committing;
    private final Map<String, ArrayDeque<Tracked>> spares = new LinkedHashMap<>();
    private final Map<String, Tracked> abandoned = new LinkedHashMap<>();

    /** The last checkpoint known complete (a completion, or the checkpoint restored). */
    private long lastCompleted = Long.MIN_VALUE;

    /**
     * @param overwrite sessions are overwrite sessions: a spare is abandoned, never committed empty
     *     (that would wipe its partition)
     */
    SessionLifecycle(
            String table,
            SessionService service,
            TableWriteLimits limits,
            int maxPartitionsPerEpoch,
            String partitionsSetting,
            boolean overwrite) {
        this.table = table;
        this.service = service;
        this.limits = limits;
        this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
        this.partitionsSetting = partitionsSetting;
        this.overwrite = overwrite;
        this.creations = new SlidingWindowBudget(limits.sessionsPer5Minutes(), FIVE_MINUTES);
        this.attempts = new ExecutionAttempts(table);
        this.committing = new RetiredSessions<>(table, "upload");
    }

    private static String key(String partition, long epoch) {
        return partition + '\u0000' + epoch;
    }

    /** Execution attempt {@code attempt} of the subtask failed: its requests are refused. */
    void attemptFailed(int subtask, int attempt) {
        attempts.failed(subtask, attempt);
    }

    /**
     * Execution attempt {@code attempt} of the subtask runs: older attempts' requests are refused.
     */
    void attemptReady(int subtask, int attempt) {
        attempts.ready(subtask, attempt);
    }

    /**
     * The session and block range of writer {@code subtask} of {@code parallelism} (execution
     * attempt {@code attempt}) for (partition, epoch). The parallelism comes with each request: a
     * batch job's (adaptive) scheduler decides it after the coordinator was created, and all
     * writers of an attempt share it.
     *
     * @throws IllegalStateException for a request of an attempt that failed or was replaced
     * @throws IOException when the partitions per epoch are exceeded, a session cannot be created,
     *     or a session other writers still write cannot serve a new attempt
     */
    Grant grant(String partition, long epoch, int subtask, int parallelism, int attempt, long now)
            throws IOException {
        BlockIdRange.of(subtask, parallelism, 0); // validates subtask and parallelism
        attempts.check(subtask, attempt, "a session request");
        String key = key(partition, epoch);
        Tracked s = assigned.get(key);
        if (s != null && s.fenced) {
            String unusable = unusableForNextGeneration(s, now);
            if (unusable == null) {
                s.generation++;
                s.fenced = false;
            } else {
                // closed; or, while other writers hold it, kept assigned beside the new session
                // (append) or failing the job (overwrite)
                retire(s, unusable);
                assigned.remove(key);
                s = null;
            }
        }
        if (s == null) {
            long partitionsInEpoch =
                    assigned.values().stream()
                            .filter(x -> x.epoch == epoch && x.used())
                            .map(x -> x.partition)
                            .distinct()
                            .count();
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
                String id = service.create(partition);
                creations.record(now);
                if (id == null) {
                    // the service's own count is full (sessions this coordinator cannot know of,
                    // e.g. created after the checkpoint a JobManager failover restored)
                    return Grant.waitFor(BUDGET_RETRY_MILLIS);
                }
                s = new Tracked(id, partition, now);
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

    /** Why a fenced session cannot move to its next block generation, or null when it can. */
    private static String unusableForNextGeneration(Tracked s, long now) {
        if (s.generation + 1 >= GENERATIONS) {
            return "it was fenced in all its " + GENERATIONS + " block generations";
        }
        if (SessionLifetime.tooOldToHandOut(s.createdAt, now)) {
            return "it is too close to the end of its lifetime to be reused";
        }
        return null;
    }

    /**
     * Takes a session out of use for good: closed empty when no writer holds it (a late write of a
     * failed attempt then fails), abandoned for overwrite sessions (committed empty they would wipe
     * the partition) or when closing fails.
     *
     * @throws IOException when writers of the current attempt still hold it (another writer's
     *     region failed over too often, BATCH execution): replacing it would commit both
     */
    private void retire(Tracked s, String why) throws IOException {
        if (!s.users.isEmpty()) {
            if (overwrite) {
                // two overwrite sessions of one partition: the second commit would replace the
                // first one's rows
                throw new FatalSessionException(
                        "Overwrite session "
                                + s.id
                                + " of table "
                                + table
                                + " "
                                + describe(s.partition)
                                + " cannot serve a new writer attempt ("
                                + why
                                + ") while writers "
                                + s.users
                                + " still write it; a second overwrite session would replace"
                                + " their rows. Rerun the INSERT OVERWRITE");
            }
            // other writers (BATCH: regions fail over alone) still write it: it stays assigned
            // beside the new session and is committed with their blocks
            assigned.put(key(s.partition, s.epoch) + '\u0001' + s.id, s);
            return;
        }
        close(s, why);
    }

    /** A failure that must fail the whole job, not only the requesting writer's region. */
    static final class FatalSessionException extends IOException {
        private static final long serialVersionUID = 1L;

        FatalSessionException(String message) {
            super(message);
        }
    }

    private void close(Tracked s, String why) {
        if (overwrite) {
            abandon(s, why + "; a spare overwrite session is never committed");
            return;
        }
        try {
            if (service.status(s.partition, s.id) == SessionStatus.OPEN) {
                service.closeEmpty(s.partition, s.id);
            }
            LOG.info(
                    "Closed upload session {} of table {} {} (committed empty): {}",
                    s.id,
                    table,
                    describe(s.partition),
                    why);
        } catch (IOException e) {
            LOG.warn(
                    "Could not close upload session {} of table {} {}; abandoned",
                    s.id,
                    table,
                    describe(s.partition),
                    e);
            abandon(s, why);
        }
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
    private Tracked takeSpare(String partition, long now) {
        ArrayDeque<Tracked> queue = spares.get(partition);
        while (queue != null && !queue.isEmpty()) {
            Tracked s = queue.pollFirst();
            if (queue.isEmpty()) {
                spares.remove(partition);
            }
            String unusable = s.fenced ? unusableForNextGeneration(s, now) : null;
            if (unusable != null) {
                close(s, unusable);
                continue;
            }
            SessionStatus status;
            try {
                status = service.status(partition, s.id);
            } catch (IOException e) {
                LOG.warn("Could not read the status of spare upload session {}", s.id, e);
                abandon(s, "its status could not be read");
                continue;
            }
            if (status != SessionStatus.OPEN) {
                LOG.info(
                        "Spare upload session {} of table {} {} is {} at the service; not reused",
                        s.id,
                        table,
                        describe(partition),
                        status.name().toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            if (s.fenced) {
                s.generation++;
                s.fenced = false;
            }
            return s;
        }
        return null;
    }

    private long creationWait(String partition, long now) {
        long wait = creations.waitMillis(now);
        if (wait == 0 && openSessions(now) >= limits.concurrentSessions()) {
            makeRoom(partition, now);
            wait = openSessions(now) >= limits.concurrentSessions() ? BUDGET_RETRY_MILLIS : 0;
        }
        return wait;
    }

    /** Forgets committed sessions, then closes spares of other partitions. */
    private void makeRoom(String partition, long now) {
        ageSpares(now);
        expireAbandoned(now);
        pruneCommitting(lastCompleted, now, true);
        Iterator<Map.Entry<String, ArrayDeque<Tracked>>> it = spares.entrySet().iterator();
        while (it.hasNext() && openSessions(now) >= limits.concurrentSessions()) {
            Map.Entry<String, ArrayDeque<Tracked>> e = it.next();
            if (e.getKey().equals(partition) || overwrite) {
                continue; // abandoning an overwrite spare frees nothing: it counts until it expires
            }
            ArrayDeque<Tracked> queue = e.getValue();
            while (!queue.isEmpty() && openSessions(now) >= limits.concurrentSessions()) {
                close(queue.pollFirst(), "the table's concurrent sessions are used up");
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
        abandoned.values().removeIf(s -> SessionLifetime.expired(s.createdAt, now));
    }

    /**
     * Checkpoint {@code checkpointId} completed: sessions of epochs up to it that a writer used are
     * being committed, unused ones become spares; committing sessions retired at an earlier
     * checkpoint are forgotten once the service reports them committed or gone.
     */
    void checkpointComplete(long checkpointId, long now) {
        lastCompleted = Math.max(lastCompleted, checkpointId);
        retireUpTo(checkpointId);
        pruneCommitting(checkpointId, now, false);
        ageSpares(now);
        expireAbandoned(now);
    }

    /** Closes spares too close to the end of their lifetime to be reused. */
    private void ageSpares(long now) {
        List<Tracked> old = new ArrayList<>();
        for (Iterator<ArrayDeque<Tracked>> it = spares.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Tracked> queue = it.next();
            queue.removeIf(
                    s -> {
                        if (SessionLifetime.tooOldToHandOut(s.createdAt, now)) {
                            old.add(s);
                            return true;
                        }
                        return false;
                    });
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        old.forEach(s -> close(s, "it is too close to the end of its lifetime to be reused"));
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
                committing.add(s);
            } else {
                s.fenced = true;
                spares.computeIfAbsent(s.partition, p -> new ArrayDeque<>()).addLast(s);
            }
        }
    }

    /**
     * Checks committing sessions retired before {@code checkpointId}: committed or gone ones are
     * forgotten, quarantined restored spares still open become spares again.
     *
     * @param everyOne check each one now (at the session cap) instead of at 1, 2, 4, ...
     *     checkpoints after its retirement
     */
    private void pruneCommitting(long checkpointId, long now, boolean everyOne) {
        List<Tracked> reopened =
                committing.check(
                        checkpointId,
                        now,
                        everyOne,
                        // the restored committer may not have committed it yet
                        s -> s.quarantined && s.retiredAt >= lastCompleted,
                        s -> s.quarantined,
                        service::status);
        for (Tracked s : reopened) {
            s.quarantined = false;
            s.fenced = true;
            spares.computeIfAbsent(s.partition, p -> new ArrayDeque<>()).addLast(s);
        }
    }

    /**
     * The writer {@code subtask} restarts from checkpoint {@code checkpointId} (a failover of its
     * region): sessions of epochs up to that checkpoint are committing (its committables are in the
     * restored state); sessions of later epochs it held are fenced.
     */
    void subtaskReset(int subtask, long checkpointId) {
        lastCompleted = Math.max(lastCompleted, checkpointId);
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
        lastCompleted = Math.max(lastCompleted, checkpointId);
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
        committing.all().forEach(s -> ids.add(s.id));
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
            for (Tracked s : committing.all()) {
                write(out, s);
                out.writeLong(s.retiredAt);
                out.writeBoolean(s.quarantined);
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
     * Takes the state of checkpoint {@code checkpointId} (a new coordinator after a JobManager
     * failover or a restore from a savepoint). Version 1 states (before this lifecycle) carry no
     * creation times: their sessions count as created {@code now} and are checked at the service
     * before any reuse.
     */
    void restore(byte[] data, long checkpointId, long now) throws IOException {
        if (data == null || data.length == 0) {
            return;
        }
        // read everything first: a state that cannot be read leaves nothing half restored
        SessionLifecycle read =
                new SessionLifecycle(
                        table,
                        service,
                        limits,
                        maxPartitionsPerEpoch,
                        partitionsSetting,
                        overwrite);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version == 1) {
                read.restoreVersion1(in, checkpointId, now);
            } else if (version == STATE_VERSION) {
                read.restoreVersion2(in, checkpointId);
            } else {
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of the Tunnel session coordinator state of table "
                                + table);
            }
        }
        assigned.putAll(read.assigned);
        read.committing.all().forEach(committing::add);
        read.spares.forEach((p, q) -> spares.computeIfAbsent(p, x -> new ArrayDeque<>()).addAll(q));
        abandoned.putAll(read.abandoned);
    }

    private void restoreVersion2(DataInputStream in, long checkpointId) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            Tracked s = read(in);
            s.epoch = in.readLong();
            // conservatively used: the restored checkpoint may hold committables for it
            s.restored = true;
            assigned.put(key(s.partition, s.epoch) + '\u0001' + s.id, s);
        }
        for (int i = in.readInt(); i > 0; i--) {
            quarantine(read(in), checkpointId);
        }
        for (int i = in.readInt(); i > 0; i--) {
            Tracked s = read(in);
            s.retiredAt = in.readLong();
            s.quarantined = in.readBoolean();
            committing.add(s);
        }
        for (int i = in.readInt(); i > 0; i--) {
            Tracked s = read(in);
            abandoned.put(s.id, s);
        }
    }

    /**
     * A restored spare may have been taken after the restored coordinator snapshot, in its next
     * block generation, and hold blocks the restored committer commits: wait for that commit, and
     * count that generation as used.
     */
    private void quarantine(Tracked s, long checkpointId) {
        s.generation++; // may reach GENERATIONS: then it is never handed out again
        s.quarantined = true;
        s.retiredAt = checkpointId;
        committing.add(s);
    }

    private void restoreVersion1(DataInputStream in, long checkpointId, long now)
            throws IOException {
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
                // its age is unknown: never reused, only counted until it is seen committed
                Tracked s = new Tracked(in.readUTF(), partition, now);
                s.retiredAt = checkpointId;
                committing.add(s);
            }
        }
        for (int i = in.readInt(); i > 0; i--) {
            String id = in.readUTF();
            Tracked s = new Tracked(id, in.readUTF(), now);
            s.retiredAt = checkpointId;
            committing.add(s);
        }
    }

    private static String describe(String partition) {
        return partition.isEmpty() ? "(not partitioned)" : "partition " + partition;
    }
}
