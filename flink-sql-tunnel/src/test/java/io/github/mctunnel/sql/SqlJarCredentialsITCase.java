package io.github.mctunnel.sql;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relocated credentials library works from the uber-jar alone (plus slf4j-api, which Flink
 * provides), in a class loader that sees nothing else: credentials from a credentials URI (plain
 * HTTP), and from STS AssumeRoleWithOIDC over HTTPS, whose host-name check goes through the
 * relocated okhttp (with okio and Kotlin) the jar bundles for it. Both endpoints are loopback
 * fakes.
 */
class SqlJarCredentialsITCase {

    private static final String SHADED = "io.github.mctunnel.shaded.";
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private URLClassLoader isolated;
    private HttpServer server;

    @BeforeEach
    void isolatedLoader() throws Exception {
        Path jar = Path.of(System.getProperty("sqlJar"));
        URL slf4j = org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation();
        isolated =
                new URLClassLoader(
                        new URL[] {jar.toUri().toURL(), slf4j},
                        ClassLoader.getPlatformClassLoader());
    }

    @AfterEach
    void close() throws Exception {
        if (server != null) {
            server.stop(0);
        }
        isolated.close();
    }

    private static String credentialsJson(boolean withCode) {
        return "{"
                + (withCode ? "\"Code\":\"Success\"," : "")
                + "\"AccessKeyId\":\"STS.jar\",\"AccessKeySecret\":\"jar-secret\","
                + "\"SecurityToken\":\"jar-token\",\"Expiration\":\""
                + ISO.format(Instant.now().plus(1, ChronoUnit.HOURS))
                + "\"}";
    }

    private void serve(HttpServer s, String body) {
        server = s;
        s.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().set("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, bytes.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    }
                });
        s.start();
    }

    /** accessId, secret and token of the provider's credentials. */
    private static String[] fetch(Object provider) throws Exception {
        Object credentials = provider.getClass().getMethod("getCredentials").invoke(provider);
        Class<?> c = credentials.getClass();
        return new String[] {
            (String) c.getMethod("accessId").invoke(credentials),
            (String) c.getMethod("accessKeySecret").invoke(credentials),
            (String) c.getMethod("securityToken").invoke(credentials)
        };
    }

    @Test
    void credentialsUri() throws Exception {
        serve(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                credentialsJson(true));
        Class<?> adapter =
                Class.forName(
                        "io.github.mctunnel.client.auth.AliyunCredentialsProvider", true, isolated);
        Object provider =
                adapter.getMethod("credentialsUri", String.class)
                        .invoke(
                                null,
                                "http://127.0.0.1:"
                                        + server.getAddress().getPort()
                                        + "/credentials");

        assertThat(fetch(provider)).containsExactly("STS.jar", "jar-secret", "jar-token");
    }

    @Test
    void oidcRoleOverHttpsUsesTheRelocatedOkhttp(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("sts.p12");
        createKeyStore(keyStore, "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer https =
                HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl));
        serve(https, "{\"RequestId\":\"r\",\"Credentials\":" + credentialsJson(false) + "}");
        String trustStore = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try {
            Path token = dir.resolve("token");
            Files.writeString(token, "pod-token");
            Class<?> oidc =
                    Class.forName(
                            SHADED
                                    + "com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider",
                            true,
                            isolated);
            Object builder = oidc.getMethod("builder").invoke(null);
            Class<?> builderType = Class.forName(oidc.getName() + "$Builder", true, isolated);
            for (String[] setting :
                    new String[][] {
                        {"roleArn", "acs:ram::1:role/r"},
                        {"oidcProviderArn", "acs:ram::1:oidc-provider/p"},
                        {"oidcTokenFilePath", token.toString()},
                        {"STSEndpoint", "127.0.0.1:" + https.getAddress().getPort()}
                    }) {
                builder =
                        builderType.getMethod(setting[0], String.class).invoke(builder, setting[1]);
            }
            Object vendorProvider = builderType.getMethod("build").invoke(builder);
            Class<?> adapter =
                    Class.forName(
                            "io.github.mctunnel.client.auth.AliyunCredentialsProvider",
                            true,
                            isolated);
            Method wrap = null;
            for (Method m : adapter.getMethods()) {
                if (m.getName().equals("wrap")) {
                    wrap = m;
                }
            }
            assertThat(wrap).isNotNull();
            Object provider = wrap.invoke(null, vendorProvider, "oidc-role-arn");

            assertThat(fetch(provider)).containsExactly("STS.jar", "jar-secret", "jar-token");
            // the host-name verifier the library used is the relocated okhttp's
            Class<?> verifiers =
                    Class.forName(
                            SHADED + "com.aliyun.credentials.http.DefaultHostnameVerifier",
                            true,
                            isolated);
            Object verifier = verifiers.getMethod("getInstance", boolean.class).invoke(null, false);
            assertThat(verifier.getClass().getName())
                    .isEqualTo(SHADED + "okhttp3.internal.tls.OkHostnameVerifier");
        } finally {
            if (trustStore == null) {
                System.clearProperty("javax.net.ssl.trustStore");
            } else {
                System.setProperty("javax.net.ssl.trustStore", trustStore);
            }
            System.clearProperty("javax.net.ssl.trustStorePassword");
            System.clearProperty("javax.net.ssl.trustStoreType");
        }
    }

    private static void createKeyStore(Path keyStore, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "fake-sts",
                                "-keyalg",
                                "RSA",
                                "-keysize",
                                "2048",
                                "-validity",
                                "2",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "san=ip:127.0.0.1",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keyStore.toString(),
                                "-storepass",
                                password,
                                "-keypass",
                                password)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
