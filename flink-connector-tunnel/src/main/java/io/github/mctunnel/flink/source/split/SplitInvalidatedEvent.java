package io.github.mctunnel.flink.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/**
 * Reader to enumerator: the session of this split can no longer be read; the split (with its next
 * unread row) goes back to the enumerator to be continued on a new session (policy RECREATE). The
 * reader keeps the split in its checkpoints until {@link SplitInvalidatedAck} arrives.
 */
@Internal
public final class SplitInvalidatedEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final TunnelSplit split;

    public SplitInvalidatedEvent(TunnelSplit split) {
        this.split = Objects.requireNonNull(split, "split");
    }

    public TunnelSplit split() {
        return split;
    }

    @Override
    public String toString() {
        return "SplitInvalidatedEvent{" + split + "}";
    }
}
