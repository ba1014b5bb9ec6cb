package io.github.mctunnel.benchmarks.e2e;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.RowDecoder;
import io.github.mctunnel.client.session.UploadSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End-to-end throughput of our client against the embedded emulator on loopback: batch upload with
 * 1, 4 and 16 concurrent writers into one upload session (blocks of about 64 MiB of raw record
 * stream), then batch download of the committed rows with 1 and 4 readers. Not a JMH benchmark:
 * each phase moves about a gigabyte and is timed by the wall clock.
 *
 * <p>Modes: {@code preencoded} sends one block encoded up front from memory (the client does only
 * HTTP, so the figure is the emulator's ingest rate), {@code streaming} encodes every block while
 * it is sent (the connector's path: the client's encoding shares the cores with the emulator).
 *
 * <p>Options ({@code --name=value}): {@code writers} (1,4,16), {@code blocks} total per run (16),
 * {@code block-mb} MiB of raw record stream per block (64), {@code modes} (preencoded,streaming),
 * {@code readers} (1,4), {@code compression} of pre-encoded blocks and downloads (raw), {@code
 * repeat} rounds of all runs (2; the spread between rounds shows the noise).
 *
 * <p>MB are 10^6 bytes of uncompressed record stream.
 */
public final class EndToEndThroughput {

    private static final int DISTINCT_ROWS = 50_000;

    private final int[] writers;
    private final int blocks;
    private final long blockBytesTarget;
    private final List<String> modes;
    private final int[] readers;
    private final Compression compression;
    private final int repeat;

    private EventRows rows;
    private long rowsPerBlock;
    private byte[] block;
    private long rawBlockBytes;

    private EndToEndThroughput(Map<String, String> options) {
        writers = ints(options.getOrDefault("writers", "1,4,16"));
        blocks = Integer.parseInt(options.getOrDefault("blocks", "16"));
        blockBytesTarget = Long.parseLong(options.getOrDefault("block-mb", "64")) << 20;
        modes = List.of(options.getOrDefault("modes", "preencoded,streaming").split(","));
        readers = ints(options.getOrDefault("readers", "1,4"));
        compression = Compression.fromName(options.getOrDefault("compression", "raw"));
        repeat = Integer.parseInt(options.getOrDefault("repeat", "2"));
        for (String m : modes) {
            if (!m.equals("preencoded") && !m.equals("streaming")) {
                throw new IllegalArgumentException(
                        "Unknown mode '" + m + "'; valid modes: preencoded, streaming");
            }
        }
        if (modes.contains("streaming") && compression != Compression.RAW) {
            throw new IllegalArgumentException(
                    "--compression applies to the preencoded mode only; run streaming with raw");
        }
    }

    public static void main(String[] args) throws Exception {
        new EndToEndThroughput(parse(args)).run();
    }

    private void run() throws Exception {
        rows = EventRows.generate(DISTINCT_ROWS, 1, 1);
        double bytesPerRow = (double) RecordStreams.encode(rows).length / DISTINCT_ROWS;
        rowsPerBlock = Math.max(1, Math.round(blockBytesTarget / bytesPerRow));
        rawBlockBytes = RecordStreams.encode(rows, rowsPerBlock, Compression.RAW).length;
        block =
                compression == Compression.RAW
                        ? RecordStreams.encode(rows, rowsPerBlock, Compression.RAW)
                        : RecordStreams.encode(rows, rowsPerBlock, compression);
        System.out.printf(
                Locale.ROOT,
                "JVM %s %s, %d cores, max heap %d MiB%n"
                        + "block: %,d rows, %,d bytes raw record stream (%.1f bytes/row), %,d"
                        + " bytes sent (%s); %d blocks per run%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                rowsPerBlock,
                rawBlockBytes,
                bytesPerRow,
                block.length,
                compression.name().toLowerCase(Locale.ROOT),
                blocks);

        warmUp();
        for (int round = 1; round <= repeat; round++) {
            System.out.println("round " + round + " of " + repeat);
            for (int m = 0; m < modes.size(); m++) {
                for (int w = 0; w < writers.length; w++) {
                    boolean last = m == modes.size() - 1 && w == writers.length - 1;
                    measure(modes.get(m), writers[w], last ? readers : new int[0]);
                }
            }
        }
    }

    /**
     * One upload run (then downloads of its rows) on a fresh emulator, so that no run pays for the
     * heap of the previous one.
     */
    private void measure(String mode, int writerCount, int[] readerCounts) throws Exception {
        System.gc();
        try (EmbeddedEmulator emulator = EmbeddedEmulator.start();
                TunnelClient client = client(emulator, writerCount, readerCounts)) {
            TableIdentifier table =
                    emulator.createTable("ingest_" + mode + "_" + writerCount, EventRows.SCHEMA);
            upload(client, table, mode, writerCount, blocks, true);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long used = rt.totalMemory() - rt.freeMemory();
            System.out.printf(
                    Locale.ROOT,
                    "         heap in use after commit and full GC: %,d MiB (%,d rows held by the"
                            + " emulator)%n",
                    used >> 20,
                    rowsPerBlock * blocks);
            for (int r : readerCounts) {
                System.gc();
                download(client, table, r, true);
            }
        }
    }

    private static TunnelClient client(EmbeddedEmulator emulator, int writers, int[] readers) {
        return emulator.client(Math.max(writers, Arrays.stream(readers).max().orElse(1)) + 2);
    }

    /**
     * One unreported full-size round of every path, so that the measured runs include neither JIT
     * compilation nor the collector's heap sizing.
     */
    private void warmUp() throws Exception {
        try (EmbeddedEmulator emulator = EmbeddedEmulator.start();
                TunnelClient client = client(emulator, 4, new int[] {4})) {
            TableIdentifier t = null;
            for (String mode : modes) {
                t = emulator.createTable("warmup_" + mode, EventRows.SCHEMA);
                upload(client, t, mode, 4, blocks, false);
            }
            download(client, t, 4, false);
        }
    }

    private void upload(
            TunnelClient client,
            TableIdentifier table,
            String mode,
            int writerCount,
            int blockCount,
            boolean report)
            throws Exception {
        UploadSession session = client.createUploadSession(table, PartitionSpec.empty(), false);
        boolean streaming = mode.equals("streaming");
        String encoding = streaming ? null : compression.contentEncoding();
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong clientCpu = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writerCount; w++) {
            int first = w;
            Thread t =
                    new Thread(
                            () -> {
                                long cpu0 = CpuAccount.currentThreadCpuNanos();
                                try {
                                    go.await();
                                    for (int b = first; b < blockCount; b += writerCount) {
                                        if (streaming) {
                                            session.writeBlock(
                                                    b,
                                                    null,
                                                    out ->
                                                            RecordStreams.write(
                                                                    rows, rowsPerBlock, out));
                                        } else {
                                            session.writeBlock(b, encoding, block, 0, block.length);
                                        }
                                    }
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                } finally {
                                    clientCpu.addAndGet(CpuAccount.currentThreadCpuNanos() - cpu0);
                                }
                            },
                            "writer-" + w);
            threads.add(t);
            t.start();
        }
        CpuAccount cpu = CpuAccount.start();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Upload (" + mode + ", " + writerCount + " writers) failed", failure.get());
        }
        List<Long> ids = new ArrayList<>();
        for (long b = 0; b < blockCount; b++) {
            ids.add(b);
        }
        long c0 = System.nanoTime();
        CommitOutcome outcome = session.commit(ids);
        long commit = System.nanoTime() - c0;
        if (outcome != CommitOutcome.COMMITTED) {
            throw new IllegalStateException("Commit returned " + outcome);
        }
        if (report) {
            long raw = rawBlockBytes * blockCount;
            System.out.printf(
                    Locale.ROOT,
                    "upload   %-10s %2d writers: %,6.0f MB in %5.2f s = %6.1f MB/s raw, %,9.0f"
                            + " rows/s; commit %.2f s%n         %s%n",
                    mode,
                    writerCount,
                    raw / 1e6,
                    wall / 1e9,
                    raw / 1e6 / (wall / 1e9),
                    rowsPerBlock * blockCount / (wall / 1e9),
                    commit / 1e9,
                    cpu.summary(clientCpu.get(), wall));
        }
    }

    private void download(
            TunnelClient client, TableIdentifier table, int readerCount, boolean report)
            throws Exception {
        DownloadSession session = client.createDownloadSession(table, PartitionSpec.empty());
        long total = session.recordCount();
        RowDecoder.Factory decoders =
                (body, contentEncoding) -> {
                    RecordStreamReader reader =
                            new RecordStreamReader(
                                    EventRows.COLUMNS,
                                    Compression.fromContentEncoding(contentEncoding)
                                            .decompress(body),
                                    true);
                    return reader::read;
                };
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong read = new AtomicLong();
        AtomicLong clientCpu = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readerCount; r++) {
            long start = total * r / readerCount;
            long count = total * (r + 1) / readerCount - start;
            Thread t =
                    new Thread(
                            () -> {
                                long cpu0 = CpuAccount.currentThreadCpuNanos();
                                try (DownloadReader reader =
                                        session.openReader(
                                                start,
                                                count,
                                                null,
                                                compression.contentEncoding(),
                                                decoders)) {
                                    go.await();
                                    long n = 0;
                                    while (reader.read() != null) {
                                        n++;
                                    }
                                    read.addAndGet(n);
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                } finally {
                                    clientCpu.addAndGet(CpuAccount.currentThreadCpuNanos() - cpu0);
                                }
                            },
                            "reader-" + r);
            threads.add(t);
            t.start();
        }
        CpuAccount cpu = CpuAccount.start();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Download (" + readerCount + " readers) failed", failure.get());
        }
        if (read.get() != total) {
            throw new IllegalStateException(
                    "Download read " + read.get() + " rows; the session has " + total);
        }
        if (report) {
            double raw = (double) rawBlockBytes / rowsPerBlock * total;
            System.out.printf(
                    Locale.ROOT,
                    "download %-10s %2d readers: %,6.0f MB in %5.2f s = %6.1f MB/s raw, %,9.0f"
                            + " rows/s%n         %s%n",
                    compression.name().toLowerCase(Locale.ROOT),
                    readerCount,
                    raw / 1e6,
                    wall / 1e9,
                    raw / 1e6 / (wall / 1e9),
                    total / (wall / 1e9),
                    cpu.summary(clientCpu.get(), wall));
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException(
                        "Expected --name=value, got '"
                                + a
                                + "'; options: --writers=1,4,16 --blocks=16 --block-mb=64"
                                + " --modes=preencoded,streaming --readers=1,4 --compression=raw"
                                + " --repeat=2");
            }
            options.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return options;
    }

    private static int[] ints(String csv) {
        if (csv.isBlank()) {
            return new int[0];
        }
        return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }
}
