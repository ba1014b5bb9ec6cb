package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.coordination.CoordinatorGatewayOperatorFactory.CoordinatorProviderFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;

/** Makes the provider of the exactly-once sink's {@link SessionCoordinator}. */
@Internal
public final class SessionCoordinatorFactory implements CoordinatorProviderFactory {

    private static final long serialVersionUID = 1L;

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
    public SessionCoordinatorFactory(
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            int maxPartitionsPerEpoch,
            boolean overwrite,
            String partitionsSetting) {
        this.connection = connection;
        this.table = table;
        this.limits = limits;
        this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
        this.overwrite = overwrite;
        this.partitionsSetting = partitionsSetting;
    }

    @Override
    public OperatorCoordinator.Provider create(String operatorName, OperatorID operatorId) {
        return new SessionCoordinator.Provider(
                operatorId,
                operatorName,
                connection,
                table,
                limits,
                maxPartitionsPerEpoch,
                overwrite,
                partitionsSetting);
    }
}
