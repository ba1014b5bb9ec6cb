package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.tasks.TaskOperatorEventGateway;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.SerializedValue;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/**
 * Pass-through operator chained in front of the exactly-once writer. It owns the task's gateway to
 * the {@link SessionCoordinator} and publishes a {@link SessionResolver} for the writer of the same
 * subtask in {@link SessionResolverRegistry}.
 */
@Internal
final class SessionGatewayOperator<IN> extends AbstractStreamOperator<IN>
        implements OneInputStreamOperator<IN, IN> {

    private static final long serialVersionUID = 1L;

    private final String sinkId;
    private transient String registryKey;

    SessionGatewayOperator(StreamOperatorParameters<IN> parameters, String sinkId) {
        super(parameters);
        this.sinkId = sinkId;
    }

    @Override
    public void open() throws Exception {
        super.open();
        TaskOperatorEventGateway gateway =
                getContainingTask().getEnvironment().getOperatorCoordinatorEventGateway();
        OperatorID operatorId = getOperatorID();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        registryKey =
                SessionResolverRegistry.key(
                        sinkId,
                        getRuntimeContext().getJobInfo().getJobId().toString(),
                        subtask,
                        attempt);
        SessionResolverRegistry.register(
                registryKey,
                (partition, epoch) ->
                        ask(
                                gateway,
                                operatorId,
                                new SessionRequest(
                                        partition, epoch, subtask, parallelism, attempt)));
    }

    private static SessionResponse ask(
            TaskOperatorEventGateway gateway, OperatorID operatorId, SessionRequest request)
            throws IOException, InterruptedException {
        while (true) {
            CoordinationResponse response;
            try {
                response =
                        gateway.sendRequestToCoordinator(
                                        operatorId,
                                        new SerializedValue<CoordinationRequest>(request))
                                .get();
            } catch (ExecutionException e) {
                throw new IOException(
                        "The Tunnel session coordinator did not hand out a session: "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
            SessionResponse r = SessionResponse.from(response);
            if (r.sessionId() != null) {
                return r;
            }
            // a table budget is used up: wait as long as the coordinator says
            Thread.sleep(r.retryAfterMillis());
        }
    }

    @Override
    public void processElement(StreamRecord<IN> element) {
        output.collect(element);
    }

    @Override
    public void close() throws Exception {
        if (registryKey != null) {
            SessionResolverRegistry.unregister(registryKey);
        }
        super.close();
    }
}
