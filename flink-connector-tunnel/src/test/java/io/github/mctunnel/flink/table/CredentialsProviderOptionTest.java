package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.auth.AliyunCredentialsProvider;
import io.github.mctunnel.flink.config.AliyunCredentialsProviderFactory;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.github.mctunnel.flink.table.FactoryHarness.options;
import static io.github.mctunnel.flink.table.FactoryHarness.sink;
import static io.github.mctunnel.flink.table.FactoryHarness.source;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code credentials.provider} option: its values, what it excludes, and its messages. */
class CredentialsProviderOptionTest {

    private static String sinkError(Map<String, String> options) {
        try {
            sink(options);
        } catch (ValidationException e) {
            StringBuilder sb = new StringBuilder();
            for (Throwable c = e; c != null; c = c.getCause()) {
                sb.append(c.getMessage()).append('\n');
            }
            return sb.toString();
        }
        throw new AssertionError("no ValidationException for " + options);
    }

    /** The options without the AccessKey, plus {@code extra}. */
    private static Map<String, String> withoutAccessKey(String... extra) {
        Map<String, String> o = options("access-id", null, "access-key-secret", null);
        for (int i = 0; i < extra.length; i += 2) {
            o.put(extra[i], extra[i + 1]);
        }
        return o;
    }

    private static TunnelConnectionOptions sinkConnection(Map<String, String> options) {
        return ((MaxComputeDynamicTableSink) sink(options)).connection();
    }

    @Test
    void eachProviderSelectsTheLibrarysSourceAndTravelsAsItsName() throws Exception {
        for (AliyunCredentialsProvider.Source s : AliyunCredentialsProvider.Source.values()) {
            TunnelConnectionOptions c =
                    sinkConnection(withoutAccessKey("credentials.provider", s.id()));
            assertThat(c.credentialsProviderFactory())
                    .isEqualTo(AliyunCredentialsProviderFactory.of(s));
            assertThat(c.accessId()).isNull();
            assertThat(c.accessKeySecret()).isNull();
            assertThat(c.toString()).contains("credentialsProvider=" + s.id());
            // only the selection is serialized; the library's provider is built on the task
            assertThat(
                            InstantiationUtil.clone(
                                    c.credentialsProviderFactory(), getClass().getClassLoader()))
                    .isEqualTo(c.credentialsProviderFactory());
        }
        // the source works as well, and the value is case-insensitive
        assertThat(source(withoutAccessKey("credentials.provider", " Default-Chain ")))
                .isInstanceOf(MaxComputeDynamicTableSource.class);
    }

    @Test
    void staticIsTheAccessKey() {
        TunnelConnectionOptions c =
                sinkConnection(options("credentials.provider", "static", "sts-token", "STSTOKEN"));
        assertThat(c.credentialsProviderFactory()).isNull();
        assertThat(c.accessId()).isEqualTo("AKID");
        assertThat(c.credentialsProvider().getCredentials().securityToken()).isEqualTo("STSTOKEN");
        assertThat(sinkError(withoutAccessKey("credentials.provider", "static")))
                .contains(
                        "A MaxCompute table or catalog needs the AccessKey: set both 'access-id'"
                                + " and 'access-key-secret', or 'credentials-provider.class', or"
                                + " 'credentials.provider' (e.g. 'default-chain')");
    }

    @Test
    void anUnknownValueNamesTheOptionAndItsValues() {
        assertThat(sinkError(withoutAccessKey("credentials.provider", "vault")))
                .contains(
                        "Option 'credentials.provider' must be one of 'static', 'default-chain',"
                                + " 'ecs-ram-role', 'oidc-role-arn', 'credentials-uri', got"
                                + " 'vault'");
    }

    @Test
    void aProviderExcludesTheAccessKeyOptionsWithoutPrintingThem() {
        for (String key : List.of("access-id", "access-key-secret", "sts-token")) {
            Map<String, String> o = withoutAccessKey("credentials.provider", "default-chain");
            o.put(key, key.equals("access-id") ? "AKID" : "TOPSECRET");
            assertThat(sinkError(o))
                    .contains(
                            "Option 'credentials.provider' = 'default-chain' and option '"
                                    + key
                                    + "' exclude each other: the credentials come from the"
                                    + " provider (use 'static' for an AccessKey)")
                    .doesNotContain("TOPSECRET");
        }
    }

    @Test
    void aProviderExcludesAProviderClass() {
        assertThat(
                        sinkError(
                                withoutAccessKey(
                                        "credentials.provider",
                                        "ecs-ram-role",
                                        "credentials-provider.class",
                                        "com.example.Vault")))
                .contains(
                        "Options 'credentials.provider' and 'credentials-provider.class' exclude"
                                + " each other: set one of them");
        assertThat(
                        sinkError(
                                options(
                                        "credentials.provider",
                                        "static",
                                        "access-id",
                                        null,
                                        "access-key-secret",
                                        null,
                                        "credentials-provider.class",
                                        "com.example.Vault")))
                .contains(
                        "Options 'credentials.provider' and 'credentials-provider.class' exclude"
                                + " each other: set one of them");
    }

    @Test
    void theFactoryOfAUriNeverPrintsIt() {
        AliyunCredentialsProviderFactory f =
                AliyunCredentialsProviderFactory.credentialsUri(
                        "http://127.0.0.1:1/credentials?auth=SECRETQUERY");
        assertThat(f.toString()).isEqualTo("credentials-uri").doesNotContain("SECRETQUERY");
        assertThat(f).isNotEqualTo(AliyunCredentialsProviderFactory.of(f.source()));
    }
}
