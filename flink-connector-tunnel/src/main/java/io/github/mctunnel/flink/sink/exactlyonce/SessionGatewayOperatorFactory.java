package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.legacy.YieldingOperatorFactory;

/**
 * Creates the {@link SessionGatewayOperator} and the provider of its coordinator. It is a {@link
 * YieldingOperatorFactory} like the sink's writer: Flink never chains such operators behind a
 * legacy source (a {@code SourceFunction}), so the gateway and the writer are kept in one chain
 * instead of the gateway joining the source's chain without the writer.
 */
@Internal
public final class SessionGatewayOperatorFactory<IN> extends AbstractStreamOperatorFactory<IN>
        implements CoordinatedOperatorFactory<IN>,
                OneInputStreamOperatorFactory<IN, IN>,
                YieldingOperatorFactory<IN> {

    private static final long serialVersionUID = 1L;

    private final String sinkId;
    private final TunnelConnectionOptions connection;
    private final String table;
    private final TableWriteLimits limits;
    private final int maxPartitionsPerEpoch;
    private final boolean overwrite;
    private final String partitionsSetting;

    /**
     * @param overwrite the coordinator creates overwrite upload sessions (INSERT OVERWRITE)
     * @param partitionsSetting the setting that limits the partitions per epoch, named in errors
     */
    public SessionGatewayOperatorFactory(
            String sinkId,
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            int maxPartitionsPerEpoch,
            boolean overwrite,
            String partitionsSetting) {
        this.partitionsSetting = partitionsSetting;
        this.overwrite = overwrite;
        this.sinkId = sinkId;
        this.connection = connection;
        this.table = table;
        this.limits = limits;
        this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<IN>> T createStreamOperator(
            StreamOperatorParameters<IN> parameters) {
        return (T) new SessionGatewayOperator<>(parameters, sinkId);
    }

    @Override
    public OperatorCoordinator.Provider getCoordinatorProvider(
            String operatorName, OperatorID operatorID) {
        return new SessionCoordinator.Provider(
                operatorID,
                operatorName,
                connection,
                table,
                limits,
                maxPartitionsPerEpoch,
                overwrite,
                partitionsSetting);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return SessionGatewayOperator.class;
    }
}
