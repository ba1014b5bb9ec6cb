package io.github.mctunnel.emulator;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.auth.EmulatorCredential;
import io.github.mctunnel.emulator.auth.SignatureVerifier;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.clock.EmulatorClock;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestLog;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.meta.MetaService;
import io.github.mctunnel.emulator.server.EmulatorAdmin;
import io.github.mctunnel.emulator.server.EmulatorHttpServer;
import io.github.mctunnel.emulator.server.EmulatorRouter;
import io.github.mctunnel.emulator.sql.SqlExecutor;
import io.github.mctunnel.emulator.tunnel.StreamSlotStats;
import io.github.mctunnel.emulator.tunnel.TunnelService;
import io.github.mctunnel.emulator.tunnel.TunnelStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A MaxCompute Tunnel and meta service emulator, embeddable in tests and runnable with {@link
 * EmulatorMain}. Meta calls are served under {@link #odpsEndpoint()} ({@code
 * http://host:port/api}), tunnel calls under {@link #tunnelEndpoint()} ({@code http://host:port}),
 * on one port.
 *
 * <pre>{@code
 * try (TunnelEmulator emu = TunnelEmulator.builder().project("p").build().start()) {
 *     emu.executeSql("CREATE TABLE t (id BIGINT, name STRING)");
 *     // point a client at emu.odpsEndpoint() / emu.tunnelEndpoint()
 * }
 * }</pre>
 *
 * <p>Time-based rules (session lifetimes, rate windows, the upsert commit interval, stream slot
 * idle timeouts) follow the emulator's {@link #clock()}, which tests move forward with {@link
 * #advanceClock(Duration)} instead of waiting.
 */
public final class TunnelEmulator implements AutoCloseable {

    /** The project used when the builder names none. */
    public static final String DEFAULT_PROJECT = "test_project";

    private final Builder config;
    private final EmulatorClock clock;
    private Catalog catalog;
    private EmulatorHttpServer server;
    private volatile TunnelService tunnel;
    private RequestLog requestLog;
    private SignatureVerifier signatureVerifier;
    private String hostPort;

    private TunnelEmulator(Builder config) {
        this.config = config;
        this.clock =
                config.clock instanceof EmulatorClock given
                        ? given
                        : new EmulatorClock(config.clock, Duration.ZERO, config.clockSpeed);
        clock.advance(config.clockOffset);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the catalog (replaying the data directory, if any) and starts serving.
     *
     * @return this emulator
     * @throws IOException when the port or data directory cannot be used
     */
    public TunnelEmulator start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the emulator is already started");
        }
        List<String> projects = new ArrayList<>(config.projects);
        if (projects.isEmpty()) {
            projects.add(DEFAULT_PROJECT);
        }
        catalog =
                config.dataDir == null
                        ? Catalog.inMemory(projects, clock)
                        : Catalog.open(config.dataDir, projects, clock);
        requestLog = new RequestLog(clock, config.requestLogCapacity, config.isolateAttackers);
        InetAddress bind = InetAddress.getByName(config.host);
        MetaService meta = new MetaService(catalog, clock, () -> hostPort, this::odpsEndpoint);
        EmulatorRouter router =
                new EmulatorRouter(
                        meta,
                        (req, resp, project, schema, table, suffix) ->
                                tunnel.handle(req, resp, project, schema, table, suffix));
        signatureVerifier =
                new SignatureVerifier(
                        config.credentials, clock.base(), config.limits.maxClockSkew());
        server =
                new EmulatorHttpServer(
                        bind,
                        config.port,
                        List.of(requestLog, signatureVerifier, config.faultPlan),
                        router,
                        config.limits.idleConnectionTimeout(),
                        new EmulatorAdmin(clock),
                        config.limits.maxRequestBytes());
        if (bind.isLoopbackAddress()) {
            server.refuseWebPages(List.of(config.host));
        }
        try {
            server.start();
            hostPort = hostForUrl(config.host) + ":" + server.port();
            tunnel = new TunnelService(catalog, config.limits, clock, hostPort);
        } catch (IOException | RuntimeException e) {
            server.close();
            catalog.close();
            throw e;
        }
        return this;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("the emulator is not started; call start()");
        }
    }

    /** {@code http://host:port/api}: the endpoint to give {@code Odps.setEndpoint}. */
    public String odpsEndpoint() {
        requireStarted();
        return "http://" + hostPort + "/api";
    }

    /** {@code http://host:port}: the tunnel endpoint (also served by discovery). */
    public String tunnelEndpoint() {
        requireStarted();
        return "http://" + hostPort;
    }

    public int port() {
        requireStarted();
        return server.port();
    }

    /** The first configured project (the default for {@link #executeSql(String)}). */
    public String defaultProject() {
        return config.projects.isEmpty() ? DEFAULT_PROJECT : config.projects.iterator().next();
    }

    /**
     * Runs DDL in the default project.
     *
     * @throws io.github.mctunnel.emulator.sql.SqlException when a statement fails
     */
    public String executeSql(String sql) {
        return executeSql(defaultProject(), sql);
    }

    /** Runs DDL with unqualified table names resolved in {@code project}. */
    public String executeSql(String project, String sql) {
        requireStarted();
        catalog.requireProject(project);
        return new SqlExecutor(catalog).execute(sql, project);
    }

    /**
     * Committed rows of a table partition, read directly (not through the tunnel). STRING values
     * are {@code byte[]}.
     */
    public List<Object[]> committedRows(String project, String table, PartitionSpec partition) {
        requireStarted();
        return catalog.table(project, null, table).snapshot(partition);
    }

    public List<Object[]> committedRows(TableIdentifier table, PartitionSpec partition) {
        requireStarted();
        return catalog.table(table).snapshot(partition);
    }

    /** Tunnel counters of a table. */
    public TunnelStats stats(TableIdentifier table) {
        requireStarted();
        return tunnel.stats(table);
    }

    /** The stream partitions and slots a table's stream sessions hold now, and their peaks. */
    public StreamSlotStats streamSlots(TableIdentifier table) {
        requireStarted();
        return tunnel.streamSlots(table);
    }

    /** Every request served, and the retry-policy monitor. */
    public RequestLog requestLog() {
        requireStarted();
        return requestLog;
    }

    /**
     * How many requests signed with {@code accessId} (and its STS token, if it has one) passed the
     * signature check; 0 for an unknown id.
     */
    public long requestsSignedBy(String accessId) {
        requireStarted();
        return signatureVerifier.acceptedCount(accessId);
    }

    /** Requests that retried sooner than the retry policy allows (connector tests assert 0). */
    public long attackRequestCount() {
        return requestLog().attackCount();
    }

    /**
     * What each attack request was (the first 100): the request, the throttling answer it came too
     * soon after, and the wait the retry policy required. Empty when {@link #attackRequestCount()}
     * is zero; tests assert it is empty to see the culprit when it is not.
     */
    public List<String> attackRequests() {
        return requestLog().attackReports();
    }

    /**
     * The emulator's clock: the builder's {@link Builder#clock(Clock) clock} (by default the
     * system's UTC clock) plus an offset that only moves forward. Every service rule reads it;
     * available before {@link #start()}.
     */
    public EmulatorClock clock() {
        return clock;
    }

    /**
     * Moves the emulator's clock forward, as if {@code duration} had passed: sessions whose
     * lifetime ends within it expire, rate windows and upsert commit intervals it covers are free
     * again, stream sessions that did not flush within it release their slots.
     *
     * @return the emulator's time after the move
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public Instant advanceClock(Duration duration) {
        clock.advance(duration);
        return clock.instant();
    }

    /** The fault plan; rules may be added while running. */
    public FaultPlan faultPlan() {
        return config.faultPlan;
    }

    public Catalog catalog() {
        requireStarted();
        return catalog;
    }

    public TunnelService tunnelService() {
        requireStarted();
        return tunnel;
    }

    /** Stops serving and closes the catalog (committed data stays in the data directory). */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (catalog != null) {
            try {
                catalog.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Configuration of a {@link TunnelEmulator}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private final List<EmulatorCredential> credentials = new ArrayList<>();
        private final Set<String> projects = new LinkedHashSet<>();
        private EmulatorLimits limits = EmulatorLimits.defaults();
        private FaultPlan faultPlan = FaultPlan.none();
        private Clock clock = Clock.systemUTC();
        private Duration clockOffset = Duration.ZERO;
        private double clockSpeed = 1;
        private boolean isolateAttackers;
        private int requestLogCapacity = 100_000;

        private Builder() {}

        /** Address to bind and advertise; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to listen on; 0 (default) picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Persist committed data and metadata here; in memory when not set. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Accept requests signed with this key pair (adds to earlier ones). */
        public Builder credentials(String accessId, String accessKey) {
            return credential(EmulatorCredential.of(accessId, accessKey));
        }

        /** Accept this credential, possibly bound to an STS token. */
        public Builder credential(EmulatorCredential credential) {
            credentials.add(Objects.requireNonNull(credential, "credential"));
            return this;
        }

        /** Adds a project; the first is the default project. */
        public Builder project(String project) {
            if (project == null || project.isBlank()) {
                throw new IllegalArgumentException("project name must not be blank");
            }
            projects.add(project);
            return this;
        }

        public Builder limits(EmulatorLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder faultPlan(FaultPlan faultPlan) {
            this.faultPlan = Objects.requireNonNull(faultPlan, "faultPlan");
            return this;
        }

        /**
         * Base clock for session lifetimes, rate windows and timestamps (default {@link
         * Clock#systemUTC()}). A plain clock becomes the base of the emulator's {@link
         * EmulatorClock}; an {@code EmulatorClock} is used as it is (advancing it advances the
         * emulator).
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the emulator's clock already advanced by {@code offset} (default zero), e.g. to
         * run with dates far from today.
         *
         * @throws IllegalArgumentException when {@code offset} is negative
         */
        public Builder clockOffset(Duration offset) {
            Objects.requireNonNull(offset, "offset");
            if (offset.isNegative()) {
                throw new IllegalArgumentException("clock offset must not be negative: " + offset);
            }
            this.clockOffset = offset;
            return this;
        }

        /**
         * Runs the emulator's clock {@code speed} times as fast as real time (default 1): at 30 the
         * service's one upsert commit per partition per minute allows one every two real seconds,
         * and sessions expire after 48 real minutes. Pure measurements (bandwidth, retry waits)
         * stay on real time.
         *
         * @throws IllegalArgumentException when {@code speed} is below 1
         */
        public Builder clockSpeed(double speed) {
            if (!(speed >= 1) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("clock speed must be 1 or more: " + speed);
            }
            this.clockSpeed = speed;
            return this;
        }

        /** Refuse a client (403) once it retries sooner than the retry policy allows. */
        public Builder isolateAttackers(boolean isolate) {
            this.isolateAttackers = isolate;
            return this;
        }

        public Builder requestLogCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("request log capacity must be positive");
            }
            this.requestLogCapacity = capacity;
            return this;
        }

        public TunnelEmulator build() {
            return new TunnelEmulator(this);
        }
    }
}
