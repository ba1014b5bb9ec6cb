package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commits are paced correctly however the writers are spread over TaskManagers only if exactly one
 * operator instance commits: the commit operator at parallelism 1 (max parallelism 1, so it cannot
 * be rescaled), and per-subtask committers (one per writer, in the writers' TaskManagers) that
 * commit nothing.
 */
class UpsertCommitTopologyTest {

    @Test
    void onlyOneCommitOperatorCommitsWhateverTheWriterParallelism() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1000);
        env.setParallelism(4);
        TunnelUpsertSink<Long> sink =
                TunnelUpsertSink.<Long>builder()
                        .setConnection(
                                TunnelConnectionOptions.builder()
                                        .endpoint("http://localhost:1/api")
                                        .project("p")
                                        .accessKey("ak", "sk")
                                        .build())
                        .setTable("users")
                        .setPrimaryKey(Column.of("id", "bigint"))
                        .setBucketCount(8)
                        .setSerializer(new ChangelogEvents(10))
                        .build();
        env.fromData(1L, 2L, 3L).sinkTo(sink);
        StreamGraph graph = env.getStreamGraph();

        List<StreamNode> commitNodes =
                graph.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().contains("Tunnel upsert commit"))
                        .collect(Collectors.toList());
        assertThat(commitNodes)
                .as(
                        "%s",
                        graph.getStreamNodes().stream()
                                .map(StreamNode::getOperatorName)
                                .collect(Collectors.toList()))
                .hasSize(1);
        assertThat(commitNodes.get(0).getParallelism()).isEqualTo(1);
        assertThat(commitNodes.get(0).getMaxParallelism()).isEqualTo(1);

        // the writers' committers (one per writer, wherever it runs) commit nothing
        assertThat(sink.createCommitter(null)).isInstanceOf(UpsertPassThroughCommitter.class);
    }
}
