package io.github.mctunnel.flink.coordination;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.legacy.YieldingOperatorFactory;

import java.io.Serializable;

/**
 * Creates the {@link CoordinatorGatewayOperator} of a sink and the provider of the sink's
 * coordinator. It is a {@link YieldingOperatorFactory} like the sink's writer: Flink never chains
 * such operators behind a legacy source (a {@code SourceFunction}), so the gateway and the writer
 * are kept in one chain instead of the gateway joining the source's chain without the writer.
 */
@Internal
public final class CoordinatorGatewayOperatorFactory<IN> extends AbstractStreamOperatorFactory<IN>
        implements CoordinatedOperatorFactory<IN>,
                OneInputStreamOperatorFactory<IN, IN>,
                YieldingOperatorFactory<IN> {

    private static final long serialVersionUID = 1L;

    /** Makes the provider of a sink's coordinator for the gateway operator's id. */
    @FunctionalInterface
    public interface CoordinatorProviderFactory extends Serializable {
        OperatorCoordinator.Provider create(String operatorName, OperatorID operatorId);
    }

    private final String sinkId;
    private final CoordinatorProviderFactory coordinator;

    /**
     * @param sinkId the sink's id, part of the key its writers find the gateway by
     */
    public CoordinatorGatewayOperatorFactory(
            String sinkId, CoordinatorProviderFactory coordinator) {
        this.sinkId = sinkId;
        this.coordinator = coordinator;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<IN>> T createStreamOperator(
            StreamOperatorParameters<IN> parameters) {
        return (T) new CoordinatorGatewayOperator<>(parameters, sinkId);
    }

    @Override
    public OperatorCoordinator.Provider getCoordinatorProvider(
            String operatorName, OperatorID operatorID) {
        return coordinator.create(operatorName, operatorID);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return CoordinatorGatewayOperator.class;
    }
}
