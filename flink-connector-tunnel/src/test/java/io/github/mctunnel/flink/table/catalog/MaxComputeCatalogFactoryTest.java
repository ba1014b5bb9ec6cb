package io.github.mctunnel.flink.table.catalog;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.factories.FactoryUtil;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaxComputeCatalogFactoryTest {

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        o.put("type", "maxcompute");
        o.put("endpoint", "http://localhost:1/api");
        o.put("project", "p1");
        o.put("access-id", "id");
        o.put("access-key-secret", "very-secret");
        return o;
    }

    private static Catalog create(Map<String, String> options) {
        return FactoryUtil.createCatalog(
                "mc",
                options,
                new Configuration(),
                MaxComputeCatalogFactoryTest.class.getClassLoader());
    }

    @Test
    void projectsAreDatabasesAndTablesCarryTheConnectorOptions() {
        Map<String, String> o = options();
        o.put("projects", "p2;p1;p3");
        o.put("tunnel.endpoint", "http://localhost:2");
        MaxComputeCatalog catalog = (MaxComputeCatalog) create(o);
        assertThat(catalog.getDefaultDatabase()).isEqualTo("p1");
        assertThat(catalog.listDatabases()).containsExactly("p1", "p2", "p3");
        assertThat(catalog.databaseExists("p4")).isFalse();
        assertThat(catalog.tableOptions(new ObjectPath("p2", "t")))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "connector", "maxcompute",
                                "endpoint", "http://localhost:1/api",
                                "tunnel.endpoint", "http://localhost:2",
                                "project", "p2",
                                "table", "t",
                                "access-id", "id",
                                "access-key-secret", "very-secret"));
    }

    @Test
    void missingAndUnknownOptionsFailWithoutTheSecret() {
        Map<String, String> missing = options();
        missing.remove("access-id");
        assertThatThrownBy(() -> create(missing))
                .hasStackTraceContaining("access-id")
                .satisfies(e -> assertThat(stackText(e)).doesNotContain("very-secret"));
        Map<String, String> unknown = options();
        unknown.put("tabel", "t");
        assertThatThrownBy(() -> create(unknown))
                .hasStackTraceContaining("tabel")
                .satisfies(e -> assertThat(stackText(e)).doesNotContain("very-secret"));
        Map<String, String> blank = options();
        blank.put("endpoint", " ");
        assertThatThrownBy(() -> create(blank))
                .hasStackTraceContaining(
                        "Option 'endpoint' of the MaxCompute catalog must not be blank");
    }

    @Test
    void unsupportedOperationsSaySo() throws Exception {
        Catalog catalog = create(options());
        assertThatThrownBy(() -> catalog.dropDatabase("p1", false, false))
                .hasMessage("MaxCompute catalog mc does not support DROP DATABASE");
        assertThat(catalog.listViews("p1").isEmpty()).isTrue();
        assertThat(List.copyOf(catalog.listDatabases())).containsExactly("p1");
    }

    private static String stackText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}
