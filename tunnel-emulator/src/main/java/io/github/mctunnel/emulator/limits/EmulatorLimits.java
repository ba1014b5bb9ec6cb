package io.github.mctunnel.emulator.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * Every service limit the emulator enforces. {@link #defaults()} holds the values the service
 * documents (blocks per session, per-table rate budgets, slots, lifetimes); every value can be
 * changed through {@link #builder()} or {@link #toBuilder()}.
 *
 * @param maxBlocksPerSession blocks one UploadSession may hold (20,000)
 * @param maxBlockId block ids must be in {@code [0, maxBlockId)} (20,000)
 * @param uploadSessionsPerWindow UploadSessions created per table per {@code uploadSessionWindow}
 *     (500 per 5 minutes)
 * @param uploadSessionWindow window of {@code uploadSessionsPerWindow}
 * @param blocksPerWindow blocks written per table per {@code blockWindow} (500 per 5 minutes)
 * @param blockWindow window of {@code blocksPerWindow}
 * @param maxConcurrentUploadSessions open (not committed, not expired) UploadSessions per table
 *     (32)
 * @param commitsPerWindow upload commits per table per {@code commitWindow} (75 per 15 seconds)
 * @param commitWindow window of {@code commitsPerWindow}
 * @param upsertCommitInterval minimum time between two upsert commits on one partition (1 minute)
 * @param downloadSessionsPerWindow DownloadSessions created per table per {@code
 *     downloadSessionWindow} (200 per 5 minutes)
 * @param downloadSessionWindow window of {@code downloadSessionsPerWindow}
 * @param maxStreamPartitionsPerTable partitions of one table with live stream sessions (64)
 * @param maxSlotsPerPartition stream slots allocated on one partition by live sessions (32)
 * @param streamSlotIdleTimeout a stream session holds its slots on a partition (and the partition
 *     counts toward {@code maxStreamPartitionsPerTable}) from its creation (a session for one
 *     partition) or its first flush to the partition (a dynamic-partition session) until it has not
 *     flushed to the partition for this long; the session itself stays valid and its next flush
 *     acquires the slots again (60 s; the service documents no figure: stream sessions cannot be
 *     closed, so it must reclaim the slots of idle ones)
 * @param sessionLifetime lifetime of every tunnel session (24 hours)
 * @param maxFieldSize largest value of one field in bytes (8 MiB): STRING/BINARY/JSON/VARCHAR/CHAR
 *     values by their bytes, DECIMALs by their text, ARRAY/MAP/STRUCT values by the sum of their
 *     elements (8 bytes per fixed-size element)
 * @param idleConnectionTimeout a connection without inbound traffic for this long is closed (120 s)
 * @param readerLifetime longest a single data download request may stream (300 s)
 * @param bandwidthBytesPerSecond cap on the bytes per second of one data request (a block write, a
 *     flush or a download); 0 means no cap (the default; the service's figure is {@link
 *     #SERVICE_BANDWIDTH_BYTES_PER_SECOND})
 * @param maxRequestBytes largest request body as sent (compressed) in bytes (256 MiB); a larger
 *     body is refused with 413 {@code MaxMessageLengthExceeded}
 * @param maxDecompressedBytes largest record stream of one request after decompression in bytes
 *     (512 MiB), so a small compressed body cannot expand without bound; 413 {@code
 *     MaxMessageLengthExceeded}
 * @param maxClockSkew largest difference between a signed request's {@code Date} header and the
 *     emulator's real (base) clock (15 minutes, as the service); a request dated further off is
 *     refused with 403 {@code RequestTimeTooSkewed}; {@link Duration#ZERO} turns the check off.
 *     Only checked when credentials are configured
 */
public record EmulatorLimits(
        int maxBlocksPerSession,
        int maxBlockId,
        int uploadSessionsPerWindow,
        Duration uploadSessionWindow,
        int blocksPerWindow,
        Duration blockWindow,
        int maxConcurrentUploadSessions,
        int commitsPerWindow,
        Duration commitWindow,
        Duration upsertCommitInterval,
        int downloadSessionsPerWindow,
        Duration downloadSessionWindow,
        int maxStreamPartitionsPerTable,
        int maxSlotsPerPartition,
        Duration streamSlotIdleTimeout,
        Duration sessionLifetime,
        int maxFieldSize,
        Duration idleConnectionTimeout,
        Duration readerLifetime,
        long bandwidthBytesPerSecond,
        long maxRequestBytes,
        long maxDecompressedBytes,
        Duration maxClockSkew) {

    /** The service's documented write/read speed per slot or request: 10 MB/s. */
    public static final long SERVICE_BANDWIDTH_BYTES_PER_SECOND = 10L * 1024 * 1024;

    /** Default of {@link #maxRequestBytes()}: 256 MiB. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 256L * 1024 * 1024;

    /** Default of {@link #maxDecompressedBytes()}: 512 MiB. */
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 512L * 1024 * 1024;

    /** Default of {@link #maxClockSkew()}: 15 minutes. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    private static final EmulatorLimits DEFAULTS = new Builder().build();

    public EmulatorLimits {
        positive(maxBlocksPerSession, "maxBlocksPerSession");
        positive(maxBlockId, "maxBlockId");
        positive(uploadSessionsPerWindow, "uploadSessionsPerWindow");
        positive(uploadSessionWindow, "uploadSessionWindow");
        positive(blocksPerWindow, "blocksPerWindow");
        positive(blockWindow, "blockWindow");
        positive(maxConcurrentUploadSessions, "maxConcurrentUploadSessions");
        positive(commitsPerWindow, "commitsPerWindow");
        positive(commitWindow, "commitWindow");
        Objects.requireNonNull(upsertCommitInterval, "upsertCommitInterval");
        if (upsertCommitInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "upsertCommitInterval must not be negative: " + upsertCommitInterval);
        }
        positive(downloadSessionsPerWindow, "downloadSessionsPerWindow");
        positive(downloadSessionWindow, "downloadSessionWindow");
        positive(maxStreamPartitionsPerTable, "maxStreamPartitionsPerTable");
        positive(maxSlotsPerPartition, "maxSlotsPerPartition");
        positive(streamSlotIdleTimeout, "streamSlotIdleTimeout");
        positive(sessionLifetime, "sessionLifetime");
        positive(maxFieldSize, "maxFieldSize");
        positive(idleConnectionTimeout, "idleConnectionTimeout");
        positive(readerLifetime, "readerLifetime");
        if (bandwidthBytesPerSecond < 0) {
            throw new IllegalArgumentException(
                    "bandwidthBytesPerSecond must be >= 0 (0 = no cap): "
                            + bandwidthBytesPerSecond);
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxRequestBytes must be positive: " + maxRequestBytes);
        }
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxDecompressedBytes must be positive: " + maxDecompressedBytes);
        }
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException(
                    "maxClockSkew must not be negative (ZERO = no check): " + maxClockSkew);
        }
    }

    /** The service's documented limits, bandwidth cap off. */
    public static EmulatorLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean bandwidthCapped() {
        return bandwidthBytesPerSecond > 0;
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builder of {@link EmulatorLimits}; starts from the service's documented values. */
    public static final class Builder {
        private int maxBlocksPerSession = 20_000;
        private int maxBlockId = 20_000;
        private int uploadSessionsPerWindow = 500;
        private Duration uploadSessionWindow = Duration.ofMinutes(5);
        private int blocksPerWindow = 500;
        private Duration blockWindow = Duration.ofMinutes(5);
        private int maxConcurrentUploadSessions = 32;
        private int commitsPerWindow = 75;
        private Duration commitWindow = Duration.ofSeconds(15);
        private Duration upsertCommitInterval = Duration.ofMinutes(1);
        private int downloadSessionsPerWindow = 200;
        private Duration downloadSessionWindow = Duration.ofMinutes(5);
        private int maxStreamPartitionsPerTable = 64;
        private int maxSlotsPerPartition = 32;
        private Duration streamSlotIdleTimeout = Duration.ofSeconds(60);
        private Duration sessionLifetime = Duration.ofHours(24);
        private int maxFieldSize = 8 * 1024 * 1024;
        private Duration idleConnectionTimeout = Duration.ofSeconds(120);
        private Duration readerLifetime = Duration.ofSeconds(300);
        private long bandwidthBytesPerSecond = 0;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;

        private Builder() {}

        private Builder(EmulatorLimits l) {
            maxBlocksPerSession = l.maxBlocksPerSession;
            maxBlockId = l.maxBlockId;
            uploadSessionsPerWindow = l.uploadSessionsPerWindow;
            uploadSessionWindow = l.uploadSessionWindow;
            blocksPerWindow = l.blocksPerWindow;
            blockWindow = l.blockWindow;
            maxConcurrentUploadSessions = l.maxConcurrentUploadSessions;
            commitsPerWindow = l.commitsPerWindow;
            commitWindow = l.commitWindow;
            upsertCommitInterval = l.upsertCommitInterval;
            downloadSessionsPerWindow = l.downloadSessionsPerWindow;
            downloadSessionWindow = l.downloadSessionWindow;
            maxStreamPartitionsPerTable = l.maxStreamPartitionsPerTable;
            maxSlotsPerPartition = l.maxSlotsPerPartition;
            streamSlotIdleTimeout = l.streamSlotIdleTimeout;
            sessionLifetime = l.sessionLifetime;
            maxFieldSize = l.maxFieldSize;
            idleConnectionTimeout = l.idleConnectionTimeout;
            readerLifetime = l.readerLifetime;
            bandwidthBytesPerSecond = l.bandwidthBytesPerSecond;
            maxRequestBytes = l.maxRequestBytes;
            maxDecompressedBytes = l.maxDecompressedBytes;
        }

        public Builder maxBlocksPerSession(int value) {
            this.maxBlocksPerSession = value;
            return this;
        }

        public Builder maxBlockId(int value) {
            this.maxBlockId = value;
            return this;
        }

        public Builder uploadSessionRate(int sessions, Duration window) {
            this.uploadSessionsPerWindow = sessions;
            this.uploadSessionWindow = window;
            return this;
        }

        public Builder uploadSessionsPerWindow(int sessions) {
            this.uploadSessionsPerWindow = sessions;
            return this;
        }

        public Builder uploadSessionWindow(Duration window) {
            this.uploadSessionWindow = window;
            return this;
        }

        public Builder blockRate(int blocks, Duration window) {
            this.blocksPerWindow = blocks;
            this.blockWindow = window;
            return this;
        }

        public Builder blocksPerWindow(int blocks) {
            this.blocksPerWindow = blocks;
            return this;
        }

        public Builder blockWindow(Duration window) {
            this.blockWindow = window;
            return this;
        }

        public Builder maxConcurrentUploadSessions(int value) {
            this.maxConcurrentUploadSessions = value;
            return this;
        }

        public Builder commitRate(int commits, Duration window) {
            this.commitsPerWindow = commits;
            this.commitWindow = window;
            return this;
        }

        public Builder commitsPerWindow(int commits) {
            this.commitsPerWindow = commits;
            return this;
        }

        public Builder commitWindow(Duration window) {
            this.commitWindow = window;
            return this;
        }

        public Builder upsertCommitInterval(Duration value) {
            this.upsertCommitInterval = value;
            return this;
        }

        public Builder downloadSessionRate(int sessions, Duration window) {
            this.downloadSessionsPerWindow = sessions;
            this.downloadSessionWindow = window;
            return this;
        }

        public Builder downloadSessionsPerWindow(int sessions) {
            this.downloadSessionsPerWindow = sessions;
            return this;
        }

        public Builder downloadSessionWindow(Duration window) {
            this.downloadSessionWindow = window;
            return this;
        }

        public Builder maxStreamPartitionsPerTable(int value) {
            this.maxStreamPartitionsPerTable = value;
            return this;
        }

        public Builder maxSlotsPerPartition(int value) {
            this.maxSlotsPerPartition = value;
            return this;
        }

        /** How long a stream session keeps its slots on a partition it does not flush to. */
        public Builder streamSlotIdleTimeout(Duration value) {
            this.streamSlotIdleTimeout = value;
            return this;
        }

        public Builder sessionLifetime(Duration value) {
            this.sessionLifetime = value;
            return this;
        }

        public Builder maxFieldSize(int value) {
            this.maxFieldSize = value;
            return this;
        }

        public Builder idleConnectionTimeout(Duration value) {
            this.idleConnectionTimeout = value;
            return this;
        }

        public Builder readerLifetime(Duration value) {
            this.readerLifetime = value;
            return this;
        }

        /** Caps each data request at this many bytes per second; 0 removes the cap. */
        public Builder bandwidthBytesPerSecond(long value) {
            this.bandwidthBytesPerSecond = value;
            return this;
        }

        /** Largest request body as sent, in bytes (413 beyond it). */
        public Builder maxRequestBytes(long value) {
            this.maxRequestBytes = value;
            return this;
        }

        /** Largest decompressed record stream of one request, in bytes (413 beyond it). */
        public Builder maxDecompressedBytes(long value) {
            this.maxDecompressedBytes = value;
            return this;
        }

        /**
         * Largest difference between a signed request's {@code Date} and the real clock (403 {@code
         * RequestTimeTooSkewed} beyond it); {@link Duration#ZERO} turns the check off.
         */
        public Builder maxClockSkew(Duration value) {
            this.maxClockSkew = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first value that is not valid
         */
        public EmulatorLimits build() {
            return new EmulatorLimits(
                    maxBlocksPerSession,
                    maxBlockId,
                    uploadSessionsPerWindow,
                    uploadSessionWindow,
                    blocksPerWindow,
                    blockWindow,
                    maxConcurrentUploadSessions,
                    commitsPerWindow,
                    commitWindow,
                    upsertCommitInterval,
                    downloadSessionsPerWindow,
                    downloadSessionWindow,
                    maxStreamPartitionsPerTable,
                    maxSlotsPerPartition,
                    streamSlotIdleTimeout,
                    sessionLifetime,
                    maxFieldSize,
                    idleConnectionTimeout,
                    readerLifetime,
                    bandwidthBytesPerSecond,
                    maxRequestBytes,
                    maxDecompressedBytes,
                    maxClockSkew);
        }
    }
}
