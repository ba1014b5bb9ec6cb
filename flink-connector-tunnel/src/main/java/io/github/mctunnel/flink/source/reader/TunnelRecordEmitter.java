package io.github.mctunnel.flink.source.reader;

import io.github.mctunnel.flink.source.split.TunnelSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Emits a record and advances its split's next row. Rows of a split arrive in row order without
 * gaps, so the state after each record is exactly the row to resume at.
 */
@Internal
public final class TunnelRecordEmitter<OUT> implements RecordEmitter<OUT, OUT, TunnelSplitState> {

    @Override
    public void emitRecord(OUT element, SourceOutput<OUT> output, TunnelSplitState splitState) {
        output.collect(element);
        splitState.advance();
    }
}
