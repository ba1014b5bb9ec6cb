package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sessions taken out of use whose commit a committer runs (or ran): tracked by a coordinator only
 * to count them as open at the service and to know when they are done. A session is looked at 1, 2,
 * 4, 8, ... checkpoints after it was retired (its committer runs after the checkpoint that retired
 * it completed; looking at every checkpoint would cost a request per session per checkpoint), and
 * forgotten once the service reports it committed or no longer knows it, at the latest when its
 * lifetime is over. So their number stays bounded by the sessions created in one lifetime, however
 * long the job runs. Not thread-safe: the coordinator's thread runs it.
 *
 * @param <S> the lifecycle's own record of a session
 */
@Internal
public final class RetiredSessions<S extends RetiredSessions.Retired> {

    private static final Logger LOG = LoggerFactory.getLogger(RetiredSessions.class);

    /** What this class needs of a lifecycle's session record. */
    public interface Retired {
        String id();

        String partition();

        long createdAt();

        /** The checkpoint at which the session was taken out of use. */
        long retiredAt();
    }

    /** Asks the service for a session's status. */
    public interface StatusLookup {
        SessionStatus status(String partition, String sessionId) throws IOException;
    }

    private final String table;
    private final String kind;
    private final Map<String, S> sessions = new LinkedHashMap<>();

    /**
     * @param table the table, for messages
     * @param kind "upload" or "upsert", for messages
     */
    public RetiredSessions(String table, String kind) {
        this.table = table;
        this.kind = kind;
    }

    public void add(S session) {
        sessions.put(session.id(), session);
    }

    public int size() {
        return sessions.size();
    }

    public boolean isEmpty() {
        return sessions.isEmpty();
    }

    public boolean contains(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /** The sessions in the order they were retired (unmodifiable view). */
    public Collection<S> all() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /**
     * Whether a session that entered its state at checkpoint {@code since} is looked at the service
     * at checkpoint {@code checkpointId}: 1, 2, 4, 8, ... checkpoints later (its committer runs
     * after the first; a look at every checkpoint would cost a request per session per checkpoint).
     */
    public static boolean dueForLook(long since, long checkpointId) {
        long after = checkpointId - since;
        return after > 0 && Long.bitCount(after) == 1;
    }

    /** Forgets the sessions whose lifetime is over: the service no longer counts them. */
    public void expire(long now) {
        sessions.values().removeIf(s -> SessionLifetime.expired(s.createdAt(), now));
    }

    /**
     * Looks at the sessions due for a look at checkpoint {@code checkpointId}: forgets those the
     * service reports committed or no longer knows, and those whose lifetime is over.
     *
     * @param everyOne look at each one now (e.g. at the session cap) instead of at 1, 2, 4, ...
     *     checkpoints after its retirement
     * @param notYet sessions not to look at now
     * @param takeBackWhenOpen sessions that are taken out of this set when the service reports them
     *     still open (the lifecycle reuses them)
     * @return the sessions taken back, in retirement order
     */
    public List<S> check(
            long checkpointId,
            long now,
            boolean everyOne,
            Predicate<S> notYet,
            Predicate<S> takeBackWhenOpen,
            StatusLookup lookup) {
        List<S> takenBack = new ArrayList<>();
        Iterator<S> it = sessions.values().iterator();
        while (it.hasNext()) {
            S s = it.next();
            if (SessionLifetime.expired(s.createdAt(), now)) {
                it.remove();
                continue;
            }
            if (notYet.test(s)) {
                continue;
            }
            if (!everyOne && !dueForLook(s.retiredAt(), checkpointId)) {
                continue; // its committer may not have run yet, or it was looked at recently
            }
            SessionStatus status;
            try {
                status = lookup.status(s.partition(), s.id());
            } catch (IOException e) {
                LOG.warn(
                        "Could not read the status of retired {} session {} of table {}; asking"
                                + " again later",
                        kind,
                        s.id(),
                        table,
                        e);
                continue;
            }
            if (status == SessionStatus.COMMITTED || status == SessionStatus.GONE) {
                it.remove();
            } else if (status == SessionStatus.OPEN && takeBackWhenOpen.test(s)) {
                it.remove();
                takenBack.add(s);
            }
        }
        return takenBack;
    }
}
