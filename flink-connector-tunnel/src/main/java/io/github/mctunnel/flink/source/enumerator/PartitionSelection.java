package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.source.PartitionFilter;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which partitions to read: explicit specs, those a predicate accepts, or all; optionally only
 * those at or after a start partition in {@link PartitionOrder}.
 */
@Internal
public final class PartitionSelection implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Tunnel forms of the explicit partitions, or null. */
    private final List<String> explicit;

    private final PartitionFilter predicate;
    private final String startFrom;

    private PartitionSelection(List<String> explicit, PartitionFilter predicate, String startFrom) {
        this.explicit = explicit;
        this.predicate = predicate;
        this.startFrom = startFrom;
    }

    public static PartitionSelection all() {
        return new PartitionSelection(null, null, null);
    }

    public static PartitionSelection of(List<PartitionSpec> partitions) {
        List<String> specs = new ArrayList<>();
        for (PartitionSpec p : partitions) {
            specs.add(p.toString());
        }
        return new PartitionSelection(List.copyOf(specs), null, null);
    }

    public static PartitionSelection matching(PartitionFilter predicate) {
        return new PartitionSelection(null, predicate, null);
    }

    public PartitionSelection startingFrom(PartitionSpec start) {
        return new PartitionSelection(explicit, predicate, start == null ? null : start.toString());
    }

    /** The explicit partitions, or null when selected from the table's partition list. */
    public List<PartitionSpec> explicitPartitions() {
        if (explicit == null) {
            return null;
        }
        List<PartitionSpec> out = new ArrayList<>();
        for (String s : explicit) {
            out.add(PartitionSpec.parse(s));
        }
        return out;
    }

    public boolean accepts(PartitionSpec partition) {
        if (predicate != null && !predicate.test(partition)) {
            return false;
        }
        return startFrom == null
                || PartitionOrder.INSTANCE.compare(partition, PartitionSpec.parse(startFrom)) >= 0;
    }

    /** The selected partitions among {@code listed}, in {@link PartitionOrder}. */
    public List<PartitionSpec> select(List<PartitionSpec> listed) {
        List<PartitionSpec> out = new ArrayList<>();
        for (PartitionSpec p : listed) {
            if (accepts(p)) {
                out.add(p);
            }
        }
        out.sort(PartitionOrder.INSTANCE);
        return out;
    }

    @Override
    public String toString() {
        return explicit != null
                ? "partitions " + explicit
                : (predicate != null ? "partitions matching a predicate" : "all partitions")
                        + (startFrom == null ? "" : " from " + startFrom);
    }
}
