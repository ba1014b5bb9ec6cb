package io.github.mctunnel.flink.coordination;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.tasks.TaskOperatorEventGateway;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.SerializedValue;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/**
 * Pass-through operator chained in front of a sink writer. It owns the task's gateway to the sink's
 * coordinator and publishes it for the writer of the same subtask in {@link CoordinatorGateways}.
 */
@Internal
final class CoordinatorGatewayOperator<IN> extends AbstractStreamOperator<IN>
        implements OneInputStreamOperator<IN, IN> {

    private static final long serialVersionUID = 1L;

    private final String sinkId;
    private transient String registryKey;

    CoordinatorGatewayOperator(StreamOperatorParameters<IN> parameters, String sinkId) {
        super(parameters);
        this.sinkId = sinkId;
    }

    @Override
    public void open() throws Exception {
        super.open();
        TaskOperatorEventGateway gateway =
                getContainingTask().getEnvironment().getOperatorCoordinatorEventGateway();
        OperatorID operatorId = getOperatorID();
        registryKey =
                CoordinatorGateways.key(
                        sinkId,
                        getRuntimeContext().getJobInfo().getJobId().toString(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                        getRuntimeContext().getTaskInfo().getAttemptNumber());
        CoordinatorGateways.register(registryKey, request -> ask(gateway, operatorId, request));
    }

    private static org.apache.flink.runtime.operators.coordination.CoordinationResponse ask(
            TaskOperatorEventGateway gateway, OperatorID operatorId, CoordinationRequest request)
            throws IOException, InterruptedException {
        try {
            return gateway.sendRequestToCoordinator(
                            operatorId, new SerializedValue<CoordinationRequest>(request))
                    .get();
        } catch (ExecutionException e) {
            throw new IOException(
                    "The Tunnel session coordinator did not hand out a session: "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    @Override
    public void processElement(StreamRecord<IN> element) {
        output.collect(element);
    }

    @Override
    public void close() throws Exception {
        if (registryKey != null) {
            CoordinatorGateways.unregister(registryKey);
        }
        super.close();
    }
}
