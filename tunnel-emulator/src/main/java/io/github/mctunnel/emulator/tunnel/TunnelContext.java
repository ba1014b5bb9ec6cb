package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.ServiceException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the tunnel handlers share: catalog, limits, clock, live sessions and per-table traffic. */
final class TunnelContext {

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    final Catalog catalog;
    final EmulatorLimits limits;
    final Clock clock;
    final String advertisedHostPort;
    final Map<String, TunnelSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, TableTraffic> traffic = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Instant nextPurge = Instant.MIN;

    /** How often (on the emulator's clock) requests sweep expired sessions out of the map. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofMinutes(1);

    TunnelContext(Catalog catalog, EmulatorLimits limits, Clock clock, String advertisedHostPort) {
        this.catalog = catalog;
        this.limits = limits;
        this.clock = clock;
        this.advertisedHostPort = advertisedHostPort;
    }

    Instant now() {
        return clock.instant();
    }

    Instant expiry(Instant created) {
        return created.plus(limits.sessionLifetime());
    }

    /** A new session id: creation time plus 64 random bits, e.g. {@code 20240101000000a1b2...}. */
    String newSessionId(Instant now) {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return ID_TIME.format(now) + HexFormat.of().formatHex(bytes);
    }

    static String key(TableIdentifier id) {
        return id.toString().toLowerCase(Locale.ROOT);
    }

    TableTraffic traffic(TableState table) {
        return traffic(table.id());
    }

    TableTraffic traffic(TableIdentifier id) {
        return traffic.computeIfAbsent(
                key(id), k -> new TableTraffic(id.toString(), limits, clock));
    }

    TableTraffic existingTraffic(TableIdentifier id) {
        return traffic.get(key(id));
    }

    /**
     * The partition named by the {@code partition} parameter, checked against the table's keys.
     *
     * @param required whether a partitioned table needs one (false where a partition may come
     *     later, e.g. dynamic-partition stream sessions)
     */
    PartitionSpec partition(EmulatorRequest req, TableState table, boolean required) {
        String raw = req.param("partition");
        PartitionSpec spec;
        try {
            spec = PartitionSpec.parse(raw);
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.invalidPartitionSpec(e.getMessage());
        }
        if (spec.isEmpty()) {
            if (required && table.schema().isPartitioned()) {
                throw TunnelErrors.missingPartitionSpec(table.id().toString());
            }
            return spec;
        }
        try {
            spec.validateAgainst(table.schema(), table.id().toString());
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.invalidPartitionSpec(e.getMessage());
        }
        return spec;
    }

    /** Makes sure the partition exists, creating it only when asked to. */
    void requirePartition(TableState table, PartitionSpec p, boolean create) {
        if (p.isEmpty()) {
            return;
        }
        if (create) {
            table.createPartitionIfAbsent(p);
        } else if (!table.hasPartition(p)) {
            throw TunnelErrors.noSuchPartition(table.id().toString(), p);
        }
    }

    /**
     * The live session with this id on this table.
     *
     * @param code error code when it does not exist, e.g. {@code NoSuchUpload}
     * @param kind words for messages, e.g. {@code upload session}
     */
    <T extends TunnelSession> T session(
            Class<T> type, String id, TableState table, String code, String kind) {
        if (id == null || id.isEmpty()) {
            throw TunnelErrors.invalidArgument("The " + kind + " id is missing");
        }
        TunnelSession s = sessions.get(id);
        if (s == null && outlived(id, now())) {
            // purged after its lifetime: answers as it did while it was still held
            throw TunnelErrors.sessionExpired(code, kind, id, limits.sessionLifetime());
        }
        if (!type.isInstance(s) || s.table() != table) {
            // A session of a dropped table (even one re-created under the same name) is gone.
            throw TunnelErrors.noSuchSession(code, kind, id);
        }
        if (s.expired(now())) {
            throw TunnelErrors.sessionExpired(code, kind, id, limits.sessionLifetime());
        }
        return type.cast(s);
    }

    /**
     * Whether a session with this id, if there was one, has outlived its lifetime: ids start with
     * their creation time (second precision), so a purged session is still known to have expired.
     */
    private boolean outlived(String id, Instant now) {
        if (id.length() < 14) {
            return false;
        }
        try {
            Instant created = ID_TIME.parse(id.substring(0, 14), Instant::from);
            return !now.isBefore(expiry(created).plusSeconds(1));
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Removes every session whose lifetime has passed (its creation plus {@code sessionLifetime},
     * also when it was expired early), so the map holds only sessions that can still answer
     * something but "expired", and memory stays bounded however long the emulator runs. Later
     * requests on a purged session still answer its kind's {@code NoSuch...} code saying it
     * expired.
     *
     * @return how many sessions were removed
     */
    int purgeExpired() {
        Instant now = now();
        nextPurge = now.plus(PURGE_INTERVAL);
        int before = sessions.size();
        sessions.values()
                .removeIf(s -> s.expired(now) && !now.isBefore(expiry(s.created()).plusSeconds(1)));
        return before - sessions.size();
    }

    /** Purges expired sessions at most once per {@link #PURGE_INTERVAL} of emulator time. */
    void purgeExpiredIfDue() {
        if (!now().isBefore(nextPurge)) {
            purgeExpired();
        }
    }

    /**
     * Forgets every session of a dropped table, so that none keeps its rows (download snapshots,
     * uploaded blocks, staged upserts) alive until it expires.
     */
    void releaseSessionsOf(TableState dropped) {
        sessions.values().removeIf(s -> s.table() == dropped);
    }

    /** Boolean query parameter: present as a bare key or {@code =true}. */
    static boolean flag(EmulatorRequest req, String name) {
        String v = req.param(name);
        return v != null && (v.isEmpty() || v.equalsIgnoreCase("true"));
    }

    static long longParam(EmulatorRequest req, String name, String code) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            throw new ServiceException(400, code, "Parameter " + name + " is missing");
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ServiceException(
                    400, code, "Parameter " + name + " is not a number: '" + v + "'");
        }
    }
}
