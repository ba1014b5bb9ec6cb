package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionOrderTest {

    @Test
    void comparesIntegerValuesAsNumbersAndOthersAsText() {
        List<PartitionSpec> specs = new ArrayList<>();
        for (String s :
                List.of(
                        "year=2024,month=10",
                        "year=2024,month=9",
                        "year=2023,month=12",
                        "year=2024,month=b",
                        "year=2024,month=a",
                        "year=2024,month=-1")) {
            specs.add(PartitionSpec.parse(s));
        }
        specs.sort(PartitionOrder.INSTANCE);
        assertThat(specs.stream().map(PartitionSpec::toString))
                .containsExactly(
                        "year=2023,month=12",
                        "year=2024,month=-1",
                        "year=2024,month=9",
                        "year=2024,month=10",
                        "year=2024,month=a",
                        "year=2024,month=b");
    }

    @Test
    void selectionFiltersAndStartsFromPartition() {
        PartitionSelection selection =
                PartitionSelection.matching(p -> !p.get("ds").equals("12"))
                        .startingFrom(PartitionSpec.parse("ds=9"));
        List<PartitionSpec> listed = new ArrayList<>();
        for (String ds : List.of("12", "8", "10", "9", "100")) {
            listed.add(PartitionSpec.parse("ds=" + ds));
        }
        assertThat(selection.select(listed).stream().map(PartitionSpec::toString))
                .containsExactly("ds=9", "ds=10", "ds=100");
    }
}
