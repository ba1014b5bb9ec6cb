package io.github.mctunnel.flink.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelConnectionOptionsTest {

    @Test
    void toStringNeverShowsSecretOrToken() {
        TunnelConnectionOptions o =
                TunnelConnectionOptions.builder()
                        .endpoint("https://service.example.com/api")
                        .project("p")
                        .accessKey("my-id", "my-secret-value")
                        .securityToken("my-sts-token")
                        .build();
        assertThat(o.toString())
                .isEqualTo(
                        "TunnelConnectionOptions{endpoint=https://service.example.com/api,"
                                + " project=p, accessId=my-id, accessKeySecret=***,"
                                + " securityToken=***}")
                .doesNotContain("my-secret-value")
                .doesNotContain("my-sts-token");
    }

    @Test
    void rejectsMissingOrInvalidSettingsByName() {
        assertThatThrownBy(() -> TunnelConnectionOptions.builder().build())
                .hasMessage("The MaxCompute connection needs endpoint to be set");
        assertThatThrownBy(
                        () ->
                                TunnelConnectionOptions.builder()
                                        .endpoint("ftp://x/api")
                                        .project("p")
                                        .accessKey("a", "b")
                                        .build())
                .hasMessage("endpoint must be an http(s) URL with a host, got 'ftp://x/api'");
        assertThatThrownBy(
                        () ->
                                TunnelConnectionOptions.builder()
                                        .endpoint("http://x/api")
                                        .project("p")
                                        .build())
                .hasMessage("The MaxCompute connection needs accessId to be set");
    }
}
