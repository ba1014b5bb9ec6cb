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
                                "access-id", "id"));
        // the secret is not a table option: the catalog's table factory adds it
        assertThat(((MaxComputeCatalogTableFactory) catalog.getFactory().orElseThrow()).secrets())
                .containsExactlyEntriesOf(Map.of("access-key-secret", "very-secret"));
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

    /** A provider factory for the tests (never asked for credentials here). */
    public static final class TestCredentials
            implements io.github.mctunnel.flink.config.CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public io.github.mctunnel.client.auth.CredentialsProvider createProvider() {
            return new io.github.mctunnel.client.auth.StaticCredentialsProvider(
                    io.github.mctunnel.client.auth.Credentials.of("id", "very-secret"));
        }
    }

    @Test
    void credentialsProviderRetriesAndTimeoutsGoToTheConnectionAndTheTables() {
        Map<String, String> o = options();
        o.remove("access-id");
        o.remove("access-key-secret");
        o.put("credentials-provider.class", TestCredentials.class.getName());
        o.put("retry.max-duration", "30 s");
        o.put("connect.timeout", "3 s");
        o.put("socket.timeout", "1 min");
        o.put("quota-name", "q1");
        MaxComputeCatalog catalog = (MaxComputeCatalog) create(o);
        assertThat(catalog.tableOptions(new ObjectPath("p1", "t")))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "connector", "maxcompute",
                                "endpoint", "http://localhost:1/api",
                                "credentials-provider.class", TestCredentials.class.getName(),
                                "retry.max-duration", "30 s",
                                "connect.timeout", "3 s",
                                "socket.timeout", "1 min",
                                "quota-name", "q1",
                                "project", "p1",
                                "table", "t"));

        // the fallback key of the secret is handed on under the masked key, by the catalog's
        // table factory only: no secret is a table option
        Map<String, String> fallback = options();
        fallback.remove("access-key-secret");
        fallback.put("access-key", "very-secret");
        fallback.put("sts-token", "tok");
        MaxComputeCatalog withToken = (MaxComputeCatalog) create(fallback);
        assertThat(withToken.tableOptions(new ObjectPath("p1", "t")))
                .containsEntry("access-id", "id")
                .doesNotContainKeys("access-key-secret", "access-key", "sts-token")
                .doesNotContainValue("very-secret")
                .doesNotContainValue("tok");
        assertThat(((MaxComputeCatalogTableFactory) withToken.getFactory().orElseThrow()).secrets())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("access-key-secret", "very-secret", "sts-token", "tok"));
    }

    @Test
    void connectionOptionsAreValidatedLikeTheTables() {
        Map<String, String> both = options();
        both.put("credentials-provider.class", TestCredentials.class.getName());
        assertThatThrownBy(() -> create(both))
                .hasStackTraceContaining(
                        "Invalid options of MaxCompute catalog mc: Options"
                                + " 'credentials-provider.class' and 'access-id' exclude each"
                                + " other")
                .satisfies(e -> assertThat(stackText(e)).doesNotContain("very-secret"));
        Map<String, String> missingClass = options();
        missingClass.remove("access-id");
        missingClass.remove("access-key-secret");
        missingClass.put("credentials-provider.class", "com.example.Missing");
        assertThatThrownBy(() -> create(missingClass))
                .hasStackTraceContaining(
                        "Option 'credentials-provider.class': class com.example.Missing was not"
                                + " found on the job's class path");
        Map<String, String> retry = options();
        retry.put("retry.max-duration", "-1 s");
        assertThatThrownBy(() -> create(retry))
                .hasStackTraceContaining("Invalid value for option 'retry.max-duration'");
        Map<String, String> timeout = options();
        timeout.put("connect.timeout", "0 s");
        assertThatThrownBy(() -> create(timeout))
                .hasStackTraceContaining("Option 'connect.timeout' must be positive, got PT0S");
        Map<String, String> noCredentials = options();
        noCredentials.remove("access-key-secret");
        assertThatThrownBy(() -> create(noCredentials))
                .hasStackTraceContaining(
                        "A MaxCompute table or catalog needs the AccessKey: set both 'access-id'"
                                + " and 'access-key-secret', or 'credentials-provider.class'");
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
