package io.github.mctunnel.flink.coordination;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationRequestHandler;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A sink coordinator whose state changes and service calls all run on one thread of its own, never
 * on the JobManager's main thread: requests of the writers ({@code R}) are answered there in
 * arrival order, and so is everything a subclass {@link #execute}s.
 */
@Internal
public abstract class SingleThreadCoordinator<R extends CoordinationRequest>
        implements OperatorCoordinator, CoordinationRequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SingleThreadCoordinator.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    /** The operator's name, for messages. */
    protected final String operatorName;

    private final Class<R> requestType;
    private final ExecutorService executor;

    protected SingleThreadCoordinator(
            String operatorName, String threadName, Class<R> requestType) {
        this.operatorName = operatorName;
        this.requestType = requestType;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Answers a writer's request, on the coordinator's thread. */
    protected abstract CoordinationResponse answer(R request) throws Exception;

    /**
     * The failure a writer gets when {@link #answer} threw {@code e} (named with table and
     * partition); also the place to fail the whole job when that is needed.
     */
    protected abstract RuntimeException failure(R request, Exception e);

    /** Releases what the coordinator holds, on its thread, when it closes. */
    protected abstract void release() throws Exception;

    @Override
    public final CompletableFuture<CoordinationResponse> handleCoordinationRequest(
            CoordinationRequest request) {
        if (!requestType.isInstance(request)) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException(
                            operatorName + " got an unknown request " + request));
        }
        R r = requestType.cast(request);
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return answer(r);
                    } catch (Exception e) {
                        throw failure(r, e);
                    }
                },
                executor);
    }

    /** Runs {@code action} on the coordinator's thread, after what was queued before. */
    protected final void execute(Runnable action) {
        executor.execute(action);
    }

    /**
     * Runs {@code action} on the coordinator's thread and waits for it (not on main-thread paths).
     */
    protected final <T> T call(Callable<T> action) throws Exception {
        try {
            return executor.submit(action).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Releases on the coordinator's thread, waiting at most 10 s (a service call may be slow). */
    @Override
    public final void close() throws Exception {
        try {
            executor.submit(
                            () -> {
                                release();
                                return null;
                            })
                    .get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{}: closing while a request to the service is under way", operatorName);
        } finally {
            executor.shutdownNow();
        }
    }

    @Override
    public void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
        LOG.warn("{} ignores unexpected event {} from subtask {}", operatorName, event, subtask);
    }
}
