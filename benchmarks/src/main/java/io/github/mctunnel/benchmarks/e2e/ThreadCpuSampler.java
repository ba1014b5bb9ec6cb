package io.github.mctunnel.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The CPU time of every Java thread over a phase, threads that end during it included: a daemon
 * samples each thread's CPU time every 20 ms and keeps the last value seen per thread. What the
 * process spent besides its Java threads is the JVM's own work (garbage collection, JIT), which
 * {@link CpuAccount}'s process figure includes.
 */
public final class ThreadCpuSampler implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long INTERVAL_MILLIS = 20;

    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadCpuSampler() {
        sample(start);
        sampler = new Thread(this::run, "thread-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    public static ThreadCpuSampler start() {
        return new ThreadCpuSampler();
    }

    private void run() {
        while (running) {
            synchronized (this) {
                sample(last);
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample(Map<Long, Long> into) {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                into.put(info.getThreadId(), cpu);
                names.putIfAbsent(info.getThreadId(), info.getThreadName());
            }
        }
    }

    /** Stops sampling after a last sample. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        synchronized (this) {
            sample(last);
        }
    }

    /**
     * CPU nanoseconds of the Java threads whose name {@code counted} accepts, over the phase (the
     * sampler's own thread excluded); up to one interval of an ended thread's CPU may be missed.
     */
    public synchronized long nanos(Predicate<String> counted) {
        long total = 0;
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            String name = names.get(e.getKey());
            if (name == null || name.equals(sampler.getName()) || !counted.test(name)) {
                continue;
            }
            total += e.getValue() - start.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }
}
