package io.github.mctunnel.benchmarks.e2e;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CPU of one measured phase went, in CPU seconds: the whole process, the emulator's HTTP
 * worker threads (request handling: body decoding, row storage, response encoding), the benchmark's
 * client threads (encoding, signing, sending, decoding), and collector time. Shows which side is
 * the bottleneck when client and emulator share the machine's cores.
 */
public final class CpuAccount {

    /** httpcore5's classic server names its connection threads so. */
    private static final String EMULATOR_THREAD_PREFIX = "HTTP-worker";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.ThreadMXBean ALLOCATION =
            (com.sun.management.ThreadMXBean) THREADS;
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long processStart;
    private final long gcStart;
    private final Map<Long, Long> emulatorThreadsStart;
    private final long allocatedStart;
    private final Map<Long, Long> emulatorAllocatedStart;

    private CpuAccount() {
        processStart = OS.getProcessCpuTime();
        gcStart = gcMillis();
        emulatorThreadsStart = emulatorThreadCpu();
        allocatedStart = ALLOCATION.getTotalThreadAllocatedBytes();
        emulatorAllocatedStart = emulatorThreadAllocation();
    }

    /**
     * Heap bytes allocated since {@link #start()} by every thread of the process (ended threads
     * included) except the emulator's request-handling threads that are still alive; -1 when the
     * JVM does not measure allocation.
     */
    public long allocatedBytesOutsideEmulator() {
        long total = ALLOCATION.getTotalThreadAllocatedBytes();
        if (total < 0 || allocatedStart < 0) {
            return -1;
        }
        long emulator = 0;
        for (Map.Entry<Long, Long> e : emulatorThreadAllocation().entrySet()) {
            emulator += e.getValue() - emulatorAllocatedStart.getOrDefault(e.getKey(), 0L);
        }
        return total - allocatedStart - emulator;
    }

    private static Map<Long, Long> emulatorThreadAllocation() {
        Map<Long, Long> bytes = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(EMULATOR_THREAD_PREFIX)) {
                long b = ALLOCATION.getThreadAllocatedBytes(info.getThreadId());
                if (b >= 0) {
                    bytes.put(info.getThreadId(), b);
                }
            }
        }
        return bytes;
    }

    public static CpuAccount start() {
        return new CpuAccount();
    }

    /** CPU nanoseconds of the whole process since {@link #start()}. */
    public long processNanos() {
        return OS.getProcessCpuTime() - processStart;
    }

    /** CPU nanoseconds of the emulator's request-handling threads since {@link #start()}. */
    public long emulatorNanos() {
        long emulator = 0;
        for (Map.Entry<Long, Long> e : emulatorThreadCpu().entrySet()) {
            emulator += e.getValue() - emulatorThreadsStart.getOrDefault(e.getKey(), 0L);
        }
        return emulator;
    }

    /** CPU nanoseconds of the calling thread so far. */
    public static long currentThreadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /**
     * A one-line summary of the phase.
     *
     * @param clientCpuNanos CPU the client threads reported for the phase
     * @param wallNanos the phase's wall time
     */
    String summary(long clientCpuNanos, long wallNanos) {
        long process = processNanos();
        long emulator = emulatorNanos();
        long gc = gcMillis() - gcStart;
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(
                Locale.ROOT,
                "cpu %.1f s of %.1f s available (%d cores): emulator threads %.1f s, client threads"
                        + " %.1f s, other (GC, JIT, ...) %.1f s; GC pauses+cycles %.1f s",
                process / 1e9,
                wallNanos / 1e9 * cores,
                cores,
                emulator / 1e9,
                clientCpuNanos / 1e9,
                Math.max(0, process - emulator - clientCpuNanos) / 1e9,
                gc / 1e3);
    }

    private static Map<Long, Long> emulatorThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(EMULATOR_THREAD_PREFIX)) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    cpu.put(info.getThreadId(), t);
                }
            }
        }
        return cpu;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
