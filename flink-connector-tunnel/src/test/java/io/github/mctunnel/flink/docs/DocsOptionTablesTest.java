package io.github.mctunnel.flink.docs;

import io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory;
import io.github.mctunnel.flink.table.catalog.MaxComputeCatalogFactory;

import org.apache.flink.table.factories.Factory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The option tables in the docs are the factories' {@code ConfigOption}s: every option of the
 * {@code maxcompute} table factory is in docs/sql.md and every option of the catalog factory in
 * docs/catalog.md, between {@code <!-- generated:... -->} markers, with key, default, type and
 * description exactly as in the code. Run with {@code -Ddocs.regenerate=true} to rewrite them.
 */
class DocsOptionTablesTest {

    @Test
    void tableOptionsInSqlPageAreTheFactorysOptions() {
        check(new MaxComputeDynamicTableFactory(), "sql.md", "table-options");
    }

    @Test
    void catalogOptionsInCatalogPageAreTheFactorysOptions() {
        check(new MaxComputeCatalogFactory(), "catalog.md", "catalog-options");
    }

    @Test
    void everyOptionKeyAppearsInTheRenderedTable() {
        Factory factory = new MaxComputeDynamicTableFactory();
        String table = OptionTable.render(factory);
        factory.requiredOptions()
                .forEach(o -> assertThat(table).contains("| `" + o.key() + "` | yes |"));
        factory.optionalOptions().forEach(o -> assertThat(table).contains("| `" + o.key() + "`"));
    }

    private static void check(Factory factory, String pageName, String regionName) {
        Path page = DocsPages.page(pageName);
        String text = DocsPages.read(page);
        GeneratedRegion region = new GeneratedRegion(regionName);
        String expected = OptionTable.render(factory);
        if (DocsPages.regenerate()) {
            DocsPages.write(page, region.replace(text, DocsPages.name(page), expected));
            return;
        }
        String actual = region.extract(text, DocsPages.name(page));
        assertThat(actual)
                .as(
                        "The option table '%s' in %s differs from the options of %s. Regenerate"
                                + " it from the code with: %s",
                        regionName,
                        DocsPages.name(page),
                        factory.getClass().getSimpleName(),
                        DocsPages.REGENERATE_COMMAND)
                .isEqualTo(expected);
    }
}
