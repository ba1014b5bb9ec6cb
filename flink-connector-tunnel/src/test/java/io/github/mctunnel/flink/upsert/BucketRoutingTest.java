package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.client.upsert.HasherKind;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BucketRoutingTest {

    @Test
    void routesEveryKeyToTheOwnerOfTheServiceBucket() throws Exception {
        ChangelogEvents events = new ChangelogEvents(1000);
        UpsertKeyDeclaration key = new UpsertKeyDeclaration(List.of(Column.of("id", "bigint")), 16);
        BucketKeySelector<Long> selector = new BucketKeySelector<>(events, key);
        BucketHasher hasher =
                BucketHasher.create(
                        HasherKind.DEFAULT, List.of(Column.of("id", "bigint").type()), 16);
        BucketPartitioner partitioner = new BucketPartitioner();
        for (long i = 1; i <= 5000; i++) {
            int bucket = selector.getKey(i);
            assertThat(bucket).isEqualTo(hasher.bucket(new Object[] {events.keyOf(i)}));
            assertThat(partitioner.partition(bucket, 3)).isEqualTo(bucket % 3);
        }
    }

    @Test
    void sessionRefsSurviveSerialization() throws Exception {
        UpsertSessionRefSerializer serializer = new UpsertSessionRefSerializer();
        // the fields of earlier versions are a prefix of the current ones; their counts of
        // changes and restored checkpoints are unknown (-1)
        UpsertSessionRef ref = new UpsertSessionRef("ds=1", "abc", 2, 4);
        assertThat(serializer.deserialize(1, serializer.serialize(ref)))
                .isEqualTo(new UpsertSessionRef("ds=1", "abc", 2, 4, false, false, -1, -1));
        UpsertSessionRef handedOver =
                new UpsertSessionRef("ds=1", "abc", 2, 4, false, false, 17, -1).handedOverFrom(9);
        assertThat(
                        serializer.deserialize(
                                serializer.getVersion(), serializer.serialize(handedOver)))
                .isEqualTo(handedOver);
        UpsertSessionRef last = new UpsertSessionRef("ds=1", "abc", 2, 4, true);
        assertThat(serializer.deserialize(2, serializer.serialize(last)))
                .isEqualTo(new UpsertSessionRef("ds=1", "abc", 2, 4, true, false, -1, -1));
    }
}
