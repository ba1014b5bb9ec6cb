package io.github.mctunnel.benchmarks.upsert;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.client.upsert.HasherKind;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The upsert bucket of a row with a composite primary key (BIGINT user id, STRING session id of 32
 * characters), 16 buckets, for both hasher families: through {@link BucketHasher#bucket(Object[])}
 * with boxed values and through the allocation-free {@code hash*} methods. The score is keys/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BucketHasherBenchmark.KEYS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BucketHasherBenchmark {

    static final int KEYS = 1024;
    private static final int BUCKETS = 16;

    @Param({"DEFAULT", "LEGACY"})
    public HasherKind kind;

    private BucketHasher hasher;
    private long[] userIds;
    private byte[][] sessionIds;
    private Object[][] boxedKeys;

    @Setup
    public void setUp() {
        hasher =
                BucketHasher.create(
                        kind, List.of(TypeInfo.parse("bigint"), TypeInfo.parse("string")), BUCKETS);
        EventRows rows = EventRows.generate(KEYS, 11, 1);
        userIds = new long[KEYS];
        sessionIds = new byte[KEYS][];
        boxedKeys = new Object[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            userIds[i] = rows.userId(i);
            sessionIds[i] = rows.sessionIdUtf8(i);
            boxedKeys[i] =
                    new Object[] {userIds[i], new String(sessionIds[i], StandardCharsets.UTF_8)};
        }
    }

    @Benchmark
    public int bucketBoxed() {
        int acc = 0;
        for (int i = 0; i < KEYS; i++) {
            acc += hasher.bucket(boxedKeys[i]);
        }
        return acc;
    }

    @Benchmark
    public int bucketPrimitive() {
        int acc = 0;
        for (int i = 0; i < KEYS; i++) {
            byte[] s = sessionIds[i];
            acc +=
                    hasher.bucketOfHashSum(
                            hasher.hashLong(userIds[i]) + hasher.hashUtf8(s, 0, s.length));
        }
        return acc;
    }
}
