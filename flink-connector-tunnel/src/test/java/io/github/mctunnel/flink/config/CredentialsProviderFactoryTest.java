package io.github.mctunnel.flink.config;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.CredentialsProvider;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsProviderFactoryTest {

    /** A factory holding a secret, as real ones (e.g. an STS role session) may. */
    record SecretHoldingFactory(String id, String secret) implements CredentialsProviderFactory {
        @Override
        public CredentialsProvider createProvider() {
            return () -> Credentials.of(id, secret);
        }
    }

    private static TunnelConnectionOptions.Builder base() {
        return TunnelConnectionOptions.builder()
                .endpoint("https://service.example.com/api")
                .project("p");
    }

    @Test
    void optionsWithAFactoryShipAndCreateProvidersAfterSerialization() throws Exception {
        TunnelConnectionOptions options =
                base().credentialsProvider(new SecretHoldingFactory("rotating-id", "s3cr3t"))
                        .build();

        TunnelConnectionOptions shipped =
                InstantiationUtil.clone(options, getClass().getClassLoader());

        assertThat(shipped).isEqualTo(options);
        assertThat(shipped.accessId()).isNull();
        assertThat(shipped.accessKeySecret()).isNull();
        Credentials c = shipped.credentialsProvider().getCredentials();
        assertThat(c.accessId()).isEqualTo("rotating-id");
        assertThat(c.accessKeySecret()).isEqualTo("s3cr3t");
    }

    @Test
    void toStringNamesTheFactoryClassButNeverItsText() {
        TunnelConnectionOptions options =
                base().credentialsProvider(new SecretHoldingFactory("rotating-id", "s3cr3t"))
                        .build();
        assertThat(options.toString())
                .isEqualTo(
                        "TunnelConnectionOptions{endpoint=https://service.example.com/api,"
                                + " project=p, credentialsProvider="
                                + SecretHoldingFactory.class.getName()
                                + "}")
                .doesNotContain("s3cr3t");
    }

    @Test
    void accessKeyOptionsServeTheirKeyThroughAProvider() {
        TunnelConnectionOptions options =
                base().accessKey("id", "secret").securityToken("token").build();
        Credentials c = options.credentialsProvider().getCredentials();
        assertThat(c.accessId()).isEqualTo("id");
        assertThat(c.accessKeySecret()).isEqualTo("secret");
        assertThat(c.securityToken()).isEqualTo("token");
        assertThat(options.credentialsProviderFactory()).isNull();
    }

    @Test
    void refusesBothOrNeitherAndAFactoryReturningNull() {
        assertThatThrownBy(
                        () ->
                                base().accessKey("id", "secret")
                                        .credentialsProvider(new SecretHoldingFactory("a", "b"))
                                        .build())
                .hasMessage(
                        "The MaxCompute connection takes either an AccessKey (accessKey,"
                                + " securityToken) or a credentials provider, not both");
        assertThatThrownBy(() -> base().build())
                .hasMessage("The MaxCompute connection needs accessId to be set");

        CredentialsProviderFactory nothing = () -> null;
        TunnelConnectionOptions options = base().credentialsProvider(nothing).build();
        assertThatThrownBy(options::credentialsProvider)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The credentials provider factory ")
                .hasMessageEndingWith(" returned null");
    }

    @Test
    void everyClientOfTheJvmWithTheSameSelectionSharesOneAliyunProvider() throws Exception {
        AliyunCredentialsProviderFactory factory =
                AliyunCredentialsProviderFactory.credentialsUri("http://127.0.0.1:9/shared-a");
        AliyunCredentialsProviderFactory shipped =
                InstantiationUtil.clone(factory, getClass().getClassLoader());

        CredentialsProvider first = factory.createProvider();

        assertThat(factory.createProvider()).isSameAs(first);
        assertThat(shipped.createProvider()).isSameAs(first);
        assertThat(
                        AliyunCredentialsProviderFactory.credentialsUri(
                                        "http://127.0.0.1:9/shared-a")
                                .createProvider())
                .isSameAs(first);
        assertThat(
                        AliyunCredentialsProviderFactory.credentialsUri(
                                        "http://127.0.0.1:9/shared-b")
                                .createProvider())
                .isNotSameAs(first);
        assertThat(
                        AliyunCredentialsProviderFactory.of(
                                        io.github.mctunnel.client.auth.AliyunCredentialsProvider
                                                .Source.ECS_RAM_ROLE)
                                .createProvider())
                .isNotSameAs(first)
                .isSameAs(
                        AliyunCredentialsProviderFactory.of(
                                        io.github.mctunnel.client.auth.AliyunCredentialsProvider
                                                .Source.ECS_RAM_ROLE)
                                .createProvider());
    }
}
