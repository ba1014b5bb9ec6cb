package io.github.mctunnel.emulator.tunnel;

/**
 * What the tunnel did on one table since the emulator started.
 *
 * @param uploadSessionsCreated batch UploadSessions created
 * @param openUploadSessions batch UploadSessions neither committed nor expired
 * @param downloadSessionsCreated DownloadSessions created
 * @param streamSessionsCreated stream upload sessions created
 * @param upsertSessionsCreated upsert sessions created
 * @param openUpsertSessions upsert sessions neither committed, aborted nor expired
 * @param commits successful batch upload commits
 * @param upsertCommits successful upsert commits
 * @param blocksWritten batch blocks accepted (a re-written block id counts again)
 * @param flushes stream flushes accepted
 * @param streamSlotsInUse stream slots held by live stream sessions
 * @param rowsCommitted rows made visible by commits and flushes (upserted plus deleted rows for
 *     upserts)
 */
public record TunnelStats(
        long uploadSessionsCreated,
        int openUploadSessions,
        long downloadSessionsCreated,
        long streamSessionsCreated,
        long upsertSessionsCreated,
        int openUpsertSessions,
        long commits,
        long upsertCommits,
        long blocksWritten,
        long flushes,
        int streamSlotsInUse,
        long rowsCommitted) {}
