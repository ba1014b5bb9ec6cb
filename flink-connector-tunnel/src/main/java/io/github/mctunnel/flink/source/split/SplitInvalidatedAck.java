package io.github.mctunnel.flink.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/** Enumerator to reader: the invalidated split is in the enumerator's care now. */
@Internal
public final class SplitInvalidatedAck implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final String splitId;

    public SplitInvalidatedAck(String splitId) {
        this.splitId = Objects.requireNonNull(splitId, "splitId");
    }

    public String splitId() {
        return splitId;
    }

    @Override
    public String toString() {
        return "SplitInvalidatedAck{" + splitId + "}";
    }
}
