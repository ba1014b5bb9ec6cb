package io.github.mctunnel.client.auth;

import io.github.mctunnel.client.auth.FakeCredentialsEndpoint.Issued;

import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import com.aliyun.credentials.utils.AuthUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AliyunCredentialsProvider} against loopback fakes of the endpoints Alibaba Cloud's
 * credentials library fetches temporary credentials from: the credentials URI (alone and as the
 * last link of the default chain), the ECS metadata service (its fixed address 100.100.100.200 is
 * routed to the fake by a {@link ProxySelector}, as the library connects with {@code
 * HttpURLConnection}) and STS AssumeRoleWithOIDC over HTTPS (a self-signed certificate for
 * 127.0.0.1, trusted through {@code javax.net.ssl.trustStore}). Each fake first hands out
 * credentials the library refreshes 2 to 3 seconds later, then new ones: requests signed after the
 * refresh carry the new AccessKey id, signature and STS token.
 */
class AliyunCredentialsProviderTest {

    private static final Duration SOON = Duration.ofSeconds(3);
    private static final Duration LATER = Duration.ofHours(1);

    private final List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        AuthUtils.setEnvironmentCredentialsURI(null);
        AuthUtils.disableECSMetaData(false);
        AuthUtils.disableCLIProfile(false);
        AuthUtils.setEnvironmentAccessKeyId(null);
        AuthUtils.setEnvironmentAccessKeySecret(null);
        AuthUtils.setEnvironmentSecurityToken(null);
        AuthUtils.setEnvironmentRoleArn(null);
        AuthUtils.setEnvironmentCredentialsFile(null);
        System.clearProperty("alibabacloud.accessKeyId");
        System.clearProperty("alibabacloud.accessKeySecret");
    }

    /**
     * The default chain's links before the credentials URI find nothing, whatever this machine has:
     * no ALIBABA_CLOUD_* variables (the library's overrides), no CLI profile, no credentials file,
     * no ECS metadata.
     */
    private static void isolateTheChainFromTheMachine(String credentialsUri) {
        AuthUtils.setEnvironmentAccessKeyId("");
        AuthUtils.setEnvironmentAccessKeySecret("");
        AuthUtils.setEnvironmentSecurityToken("");
        AuthUtils.setEnvironmentRoleArn("");
        AuthUtils.setEnvironmentCredentialsFile("");
        AuthUtils.disableCLIProfile(true);
        AuthUtils.disableECSMetaData(true);
        AuthUtils.setEnvironmentCredentialsURI(credentialsUri);
    }

    private FakeCredentialsEndpoint rotating(FakeCredentialsEndpoint fake) {
        toClose.add(fake);
        return fake.issue(Issued.refreshedAfter("STS.first", "first-secret", "first-token", SOON))
                .issue(Issued.validFor("STS.second", "second-secret", "second-token", LATER));
    }

    private static Credentials waitFor(
            CredentialsProvider provider, Predicate<Credentials> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Credentials c = provider.getCredentials();
            if (condition.test(c)) {
                return c;
            }
            assertThat(System.nanoTime()).as("waiting for the refresh").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Signs a fixed request and returns its headers. */
    private static Map<String, String> signedHeaders(CredentialsProvider provider) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", "Mon, 07 Dec 2026 15:00:00 GMT");
        headers.put("Content-Type", "text/plain");
        new RequestSigner(provider, null, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                .sign("POST", headers, "/projects/p/tables/t", Map.of("uploads", ""));
        return headers;
    }

    private static String expectedAuthorization(String accessId, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", "Mon, 07 Dec 2026 15:00:00 GMT");
        headers.put("Content-Type", "text/plain");
        String stringToSign =
                CanonicalRequest.stringToSign(
                        "POST", headers, "/projects/p/tables/t", Map.of("uploads", ""));
        return SignatureV2.authorization(accessId, SignatureV2.sign(secret, stringToSign));
    }

    /** Fetches the first credentials, then, after the refresh, signs with the second ones. */
    private static void assertRotates(CredentialsProvider provider, FakeCredentialsEndpoint fake) {
        Credentials first = provider.getCredentials();
        assertThat(first.accessId()).isEqualTo("STS.first");
        assertThat(first.accessKeySecret()).isEqualTo("first-secret");
        assertThat(first.securityToken()).isEqualTo("first-token");
        Map<String, String> before = signedHeaders(provider);
        assertThat(before)
                .containsEntry(
                        RequestSigner.AUTHORIZATION,
                        expectedAuthorization("STS.first", "first-secret"))
                .containsEntry(RequestSigner.STS_TOKEN, "first-token");
        // cached until 15 minutes before the expiration: not fetched again
        assertThat(provider.getCredentials()).isSameAs(first);
        assertThat(fake.issuedCount()).isEqualTo(1);

        Credentials second = waitFor(provider, c -> !c.accessId().equals("STS.first"));

        assertThat(second.accessId()).isEqualTo("STS.second");
        assertThat(second.accessKeySecret()).isEqualTo("second-secret");
        assertThat(second.securityToken()).isEqualTo("second-token");
        assertThat(fake.issuedCount()).isEqualTo(2);
        assertThat(signedHeaders(provider))
                .containsEntry(
                        RequestSigner.AUTHORIZATION,
                        expectedAuthorization("STS.second", "second-secret"))
                .containsEntry(RequestSigner.STS_TOKEN, "second-token");
        // never back to the old ones; the new ones are good for an hour
        for (int i = 0; i < 20; i++) {
            assertThat(provider.getCredentials()).isSameAs(second);
        }
        assertThat(fake.issuedCount()).isEqualTo(2);
    }

    @Test
    void credentialsUriRefreshesBeforeExpiry() throws Exception {
        FakeCredentialsEndpoint fake = rotating(FakeCredentialsEndpoint.http());
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.credentialsUri(fake.url("/credentials"));
        toClose.add(provider);

        assertRotates(provider, fake);
        assertThat(fake.requests())
                .extracting(
                        FakeCredentialsEndpoint.Seen::method, FakeCredentialsEndpoint.Seen::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", "/credentials"),
                        org.assertj.core.groups.Tuple.tuple("GET", "/credentials"));
        assertThat(provider).hasToString("AliyunCredentialsProvider{credentials-uri}");
    }

    @Test
    void concurrentCallersDuringTheRefreshNeverSeeAMixOfOldAndNew() throws Exception {
        FakeCredentialsEndpoint fake = rotating(FakeCredentialsEndpoint.http());
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.credentialsUri(fake.url("/credentials"));
        toClose.add(provider);
        assertThat(provider.getCredentials().accessId()).isEqualTo("STS.first");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    int seenSecond = 0;
                                    long deadline = System.nanoTime() + 60_000_000_000L;
                                    while (seenSecond < 50 && System.nanoTime() < deadline) {
                                        Credentials c = provider.getCredentials();
                                        // id, secret and token always belong together
                                        String suffix =
                                                c.accessId().equals("STS.first")
                                                        ? "first"
                                                        : "second";
                                        assertThat(c.accessKeySecret())
                                                .isEqualTo(suffix + "-secret");
                                        assertThat(c.securityToken()).isEqualTo(suffix + "-token");
                                        if (suffix.equals("second")) {
                                            seenSecond++;
                                        } else {
                                            assertThat(seenSecond)
                                                    .as("old credentials after the new ones")
                                                    .isZero();
                                            LockSupport.parkNanos(1_000_000);
                                        }
                                    }
                                    return seenSecond;
                                }));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get(90, TimeUnit.SECONDS)).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fake.issuedCount()).isEqualTo(2);
    }

    @Test
    void defaultChainFindsTheCredentialsUriAndRefreshes() throws Exception {
        FakeCredentialsEndpoint fake = rotating(FakeCredentialsEndpoint.http());
        isolateTheChainFromTheMachine(fake.url("/credentials"));
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.create(AliyunCredentialsProvider.Source.DEFAULT_CHAIN);
        toClose.add(provider);

        assertRotates(provider, fake);
        assertThat(provider).hasToString("AliyunCredentialsProvider{default-chain}");
    }

    @Test
    void defaultChainPrefersSystemPropertiesToTheCredentialsUri() throws Exception {
        FakeCredentialsEndpoint fake = rotating(FakeCredentialsEndpoint.http());
        isolateTheChainFromTheMachine(fake.url("/credentials"));
        System.setProperty("alibabacloud.accessKeyId", "LTAI-from-property");
        System.setProperty("alibabacloud.accessKeySecret", "property-secret");
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.create(AliyunCredentialsProvider.Source.DEFAULT_CHAIN);
        toClose.add(provider);

        Credentials c = provider.getCredentials();

        assertThat(c.accessId()).isEqualTo("LTAI-from-property");
        assertThat(c.accessKeySecret()).isEqualTo("property-secret");
        assertThat(c.securityToken()).isNull();
        assertThat(signedHeaders(provider))
                .containsEntry(
                        RequestSigner.AUTHORIZATION,
                        expectedAuthorization("LTAI-from-property", "property-secret"))
                .doesNotContainKey(RequestSigner.STS_TOKEN);
        assertThat(fake.issuedCount()).isZero();
    }

    @Test
    void ecsRamRoleFromTheMetadataServiceRefreshes() throws Exception {
        FakeCredentialsEndpoint fake = rotating(FakeCredentialsEndpoint.http());
        ProxySelector previous = ProxySelector.getDefault();
        // the library asks http://100.100.100.200 (fixed); only that host goes to the fake
        ProxySelector.setDefault(
                new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        return "100.100.100.200".equals(uri.getHost())
                                ? List.of(new Proxy(Proxy.Type.HTTP, fake.address()))
                                : List.of(Proxy.NO_PROXY);
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
                });
        toClose.add(() -> ProxySelector.setDefault(previous));
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.create(AliyunCredentialsProvider.Source.ECS_RAM_ROLE);
        toClose.add(provider);

        assertRotates(provider, fake);

        // per fetch: an IMDSv2 token, the role name, the role's credentials (with the token)
        assertThat(fake.requests())
                .extracting(
                        FakeCredentialsEndpoint.Seen::method, FakeCredentialsEndpoint.Seen::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PUT", "/latest/api/token"),
                        org.assertj.core.groups.Tuple.tuple(
                                "GET", "/latest/meta-data/ram/security-credentials/"),
                        org.assertj.core.groups.Tuple.tuple("PUT", "/latest/api/token"),
                        org.assertj.core.groups.Tuple.tuple(
                                "GET",
                                "/latest/meta-data/ram/security-credentials/"
                                        + FakeCredentialsEndpoint.ROLE),
                        org.assertj.core.groups.Tuple.tuple("PUT", "/latest/api/token"),
                        org.assertj.core.groups.Tuple.tuple(
                                "GET", "/latest/meta-data/ram/security-credentials/"),
                        org.assertj.core.groups.Tuple.tuple("PUT", "/latest/api/token"),
                        org.assertj.core.groups.Tuple.tuple(
                                "GET",
                                "/latest/meta-data/ram/security-credentials/"
                                        + FakeCredentialsEndpoint.ROLE));
        assertThat(fake.requests())
                .filteredOn(r -> r.method().equals("GET"))
                .extracting(FakeCredentialsEndpoint.Seen::imdsToken)
                .containsOnly(FakeCredentialsEndpoint.IMDS_TOKEN);
    }

    @Test
    void oidcRoleOfAnAckPodThroughStsOverHttps(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("sts.p12");
        FakeCredentialsEndpoint.createKeyStore(keyStore, "changeit");
        FakeCredentialsEndpoint fake =
                rotating(FakeCredentialsEndpoint.https(keyStore, "changeit".toCharArray()));
        String previousTrustStore = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        toClose.add(
                () -> {
                    if (previousTrustStore == null) {
                        System.clearProperty("javax.net.ssl.trustStore");
                    } else {
                        System.setProperty("javax.net.ssl.trustStore", previousTrustStore);
                    }
                    System.clearProperty("javax.net.ssl.trustStorePassword");
                    System.clearProperty("javax.net.ssl.trustStoreType");
                });
        Path tokenFile = dir.resolve("oidc-token");
        Files.writeString(tokenFile, "the-pods-oidc-token");
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.wrap(
                        OIDCRoleArnCredentialProvider.builder()
                                .roleArn("acs:ram::1234:role/mctunnel-writer")
                                .oidcProviderArn("acs:ram::1234:oidc-provider/ack-rrsa")
                                .oidcTokenFilePath(tokenFile.toString())
                                .roleSessionName("mctunnel-test")
                                .STSEndpoint(fake.hostAndPort())
                                .build(),
                        "oidc-role-arn");
        toClose.add(provider);

        assertRotates(provider, fake);

        assertThat(fake.requests()).hasSize(2);
        for (FakeCredentialsEndpoint.Seen r : fake.requests()) {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.query()).contains("Action=AssumeRoleWithOIDC");
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : r.body().split("&")) {
                int eq = pair.indexOf('=');
                form.put(
                        pair.substring(0, eq),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            assertThat(form)
                    .containsEntry("RoleArn", "acs:ram::1234:role/mctunnel-writer")
                    .containsEntry("OIDCProviderArn", "acs:ram::1234:oidc-provider/ack-rrsa")
                    .containsEntry("OIDCToken", "the-pods-oidc-token")
                    .containsEntry("RoleSessionName", "mctunnel-test");
        }
    }

    @Test
    void aFailedRefreshKeepsTheValidCredentialsAndNothingLogsASecret() throws Exception {
        FakeCredentialsEndpoint fake = FakeCredentialsEndpoint.http();
        toClose.add(fake);
        fake.issue(Issued.refreshedAfter("STS.first", "first-secret", "first-token", SOON))
                .fail()
                .issue(Issued.validFor("STS.second", "second-secret", "second-token", LATER));
        List<String> logged = new CopyOnWriteArrayList<>();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender appender =
                new AbstractAppender("capture-all", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        logged.add(
                                event.getLevel()
                                        + " "
                                        + event.getLoggerName()
                                        + " "
                                        + event.getMessage().getFormattedMessage()
                                        + (event.getThrown() == null
                                                ? ""
                                                : " " + event.getThrown()));
                    }
                };
        appender.start();
        // everything the library (com.aliyun) and the adapter log, down to TRACE
        for (String name : List.of("com.aliyun", AliyunCredentialsProvider.class.getName())) {
            LoggerConfig loggerConfig = new LoggerConfig(name, Level.ALL, false);
            loggerConfig.addAppender(appender, Level.ALL, null);
            config.addLogger(name, loggerConfig);
        }
        context.updateLoggers();
        toClose.add(
                () -> {
                    config.removeLogger("com.aliyun");
                    config.removeLogger(AliyunCredentialsProvider.class.getName());
                    context.updateLoggers();
                    appender.stop();
                });
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.credentialsUri(fake.url("/credentials"));
        toClose.add(provider);

        Credentials first = provider.getCredentials();
        assertThat(first.accessId()).isEqualTo("STS.first");
        // the refresh after 3 s fails: the first credentials (valid 15 more minutes) serve on
        waitFor(provider, c -> fake.issuedCount() == 2);
        assertThat(provider.getCredentials()).isSameAs(first);
        assertThat(fake.issuedCount()).isEqualTo(2);
        // 5 s later the refresh is tried again and succeeds
        Credentials second = waitFor(provider, c -> !c.accessId().equals("STS.first"));

        assertThat(second.accessId()).isEqualTo("STS.second");
        assertThat(fake.issuedCount()).isEqualTo(3);
        assertThat(logged)
                .anyMatch(
                        l ->
                                l.startsWith(
                                        "WARN "
                                                + AliyunCredentialsProvider.class.getName()
                                                + " Could not refresh the credentials-uri"
                                                + " credentials; signing with the current ones"))
                .anyMatch(
                        l ->
                                l.equals(
                                        "INFO "
                                                + AliyunCredentialsProvider.class.getName()
                                                + " New credentials-uri credentials: AccessKey id"
                                                + " STS.second, valid until "
                                                + Instant.ofEpochMilli(
                                                        provider.expiresAtMillisForTest())));
        String all = String.join("\n", logged);
        assertThat(all)
                .doesNotContain("first-secret")
                .doesNotContain("first-token")
                .doesNotContain("second-secret")
                .doesNotContain("second-token");
    }

    @Test
    void failuresNameTheSourceButNeverTheSecret() throws Exception {
        FakeCredentialsEndpoint fake = FakeCredentialsEndpoint.http();
        toClose.add(fake);
        // nothing queued: the fake answers 500
        AliyunCredentialsProvider provider =
                AliyunCredentialsProvider.credentialsUri(fake.url("/credentials"));
        toClose.add(provider);

        assertThatThrownBy(provider::getCredentials)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Could not get credentials (credentials-uri): ")
                .hasMessageContaining("HttpCode=500")
                .hasNoCause();
    }

    @Test
    void missingSettingsNameTheEnvironmentVariable() {
        AuthUtils.setEnvironmentCredentialsURI(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("ALIBABA_CLOUD_CREDENTIALS_URI") == null);
        assertThatThrownBy(
                        () ->
                                AliyunCredentialsProvider.create(
                                        AliyunCredentialsProvider.Source.CREDENTIALS_URI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot set up the credentials-uri credentials: Credential URI or"
                                + " environment variable ALIBABA_CLOUD_CREDENTIALS_URI cannot be"
                                + " empty.");
    }

    @Test
    void redactsSecretFieldsFromLibraryMessages() {
        assertThat(
                        AliyunCredentialsProvider.redact(
                                "Error retrieving credentials from IMDS result:"
                                        + " {\"AccessKeyId\":\"STS.x\",\"AccessKeySecret\":\"s3cr3t\","
                                        + "\"SecurityToken\":\"t0k3n\",\"Expiration\":\"x\"}."))
                .isEqualTo(
                        "Error retrieving credentials from IMDS result:"
                                + " {\"AccessKeyId\":\"STS.x\",\"AccessKeySecret\":\"***\","
                                + "\"SecurityToken\":\"***\",\"Expiration\":\"x\"}.");
        assertThat(
                        AliyunCredentialsProvider.redact(
                                "Credential(accessKeyId=LTAI, accessKeySecret=abc, securityToken=def,"
                                        + " providerName=x)"))
                .isEqualTo(
                        "Credential(accessKeyId=LTAI, accessKeySecret=***, securityToken=***,"
                                + " providerName=x)");
        assertThat(AliyunCredentialsProvider.redact(null)).isEqualTo("(no message)");
    }

    @Test
    void sourceIds() {
        assertThat(AliyunCredentialsProvider.Source.values())
                .extracting(AliyunCredentialsProvider.Source::id)
                .containsExactly(
                        "default-chain", "ecs-ram-role", "oidc-role-arn", "credentials-uri");
    }

    // ---- the adapter's own cache, on a fake clock ----

    /** A clock of the adapter only (the library and the fakes use the real one). */
    private static final class FakeClock implements java.util.function.LongSupplier {
        private final java.util.concurrent.atomic.AtomicLong millis =
                new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

        @Override
        public long getAsLong() {
            return millis.get();
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }
    }

    /** Answers of a fetch, in order (the last one again when used up); counts the fetches. */
    private static final class ScriptedFetch implements AliyunCredentialsProvider.Fetch {
        private final List<java.util.function.Supplier<AliyunCredentialsProvider.Fetched>> answers =
                new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger fetches =
                new java.util.concurrent.atomic.AtomicInteger();

        ScriptedFetch then(java.util.function.Supplier<AliyunCredentialsProvider.Fetched> a) {
            answers.add(a);
            return this;
        }

        ScriptedFetch then(String id, long expiration) {
            return then(
                    () ->
                            new AliyunCredentialsProvider.Fetched(
                                    id, id + "-secret", id + "-token", expiration));
        }

        ScriptedFetch thenFail() {
            return then(
                    () -> {
                        throw new IllegalStateException("metadata service did not answer");
                    });
        }

        @Override
        public AliyunCredentialsProvider.Fetched fetch() {
            int n = fetches.getAndIncrement();
            return answers.get(Math.min(n, answers.size() - 1)).get();
        }

        int fetches() {
            return fetches.get();
        }
    }

    private static final long MINUTE = 60_000;

    @Test
    void credentialsWithFifteenMinutesOrLessLeftAreFetchedAtMostEveryRefreshInterval()
            throws Exception {
        // the library fetches on every call once the credentials have 15 minutes or less left;
        // the adapter asks it at most every REFRESH_INTERVAL_MILLIS: the library's provider and
        // the adapter's own credentials-URI fetch
        for (boolean library : new boolean[] {true, false}) {
            FakeCredentialsEndpoint fake = FakeCredentialsEndpoint.http();
            toClose.add(fake);
            fake.issue(
                    Issued.validFor(
                            "STS.short", "short-secret", "short-token", Duration.ofMinutes(10)));
            FakeClock clock = new FakeClock();
            AliyunCredentialsProvider.Fetch fetch =
                    library
                            ? AliyunLibraryBridge.adapt(
                                    com.aliyun.credentials.provider.URLCredentialProvider.builder()
                                            .credentialsURI(fake.url("/credentials"))
                                            .build())
                            : new CredentialsUriFetch(fake.url("/credentials"));
            AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);
            toClose.add(provider);

            Credentials first = provider.getCredentials();
            for (int i = 0; i < 199; i++) {
                assertThat(provider.getCredentials()).isSameAs(first);
            }
            assertThat(fake.issuedCount()).as("library=" + library).isEqualTo(1);

            clock.advance(AliyunCredentialsProvider.REFRESH_INTERVAL_MILLIS - 1);
            assertThat(provider.getCredentials()).isSameAs(first);
            assertThat(fake.issuedCount()).isEqualTo(1);
            clock.advance(1);
            assertThat(provider.getCredentials()).isSameAs(first);
            assertThat(fake.issuedCount()).as("library=" + library).isEqualTo(2);
            for (int i = 0; i < 100; i++) {
                assertThat(provider.getCredentials()).isSameAs(first);
            }
            assertThat(fake.issuedCount()).isEqualTo(2);
        }
    }

    @Test
    void credentialsWithMoreThanFifteenMinutesLeftAreNotFetchedAgain() {
        FakeClock clock = new FakeClock();
        long now = clock.getAsLong();
        ScriptedFetch fetch =
                new ScriptedFetch()
                        .then("STS.a", now + 60 * MINUTE)
                        .then("STS.b", now + 120 * MINUTE);
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);

        Credentials a = provider.getCredentials();
        clock.advance(45 * MINUTE - 1);
        assertThat(provider.getCredentials()).isSameAs(a);
        assertThat(fetch.fetches()).isEqualTo(1);
        clock.advance(1);
        assertThat(provider.getCredentials().accessId()).isEqualTo("STS.b");
        assertThat(fetch.fetches()).isEqualTo(2);
    }

    @Test
    void oneThreadRefreshesWhileTheOthersSignWithTheValidCurrentCredentials() throws Exception {
        FakeClock clock = new FakeClock();
        long now = clock.getAsLong();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedFetch fetch =
                new ScriptedFetch()
                        .then("STS.a", now + 10 * MINUTE)
                        .then(
                                () -> {
                                    entered.countDown();
                                    try {
                                        release.await();
                                    } catch (InterruptedException e) {
                                        throw new IllegalStateException(e);
                                    }
                                    return new AliyunCredentialsProvider.Fetched(
                                            "STS.b",
                                            "STS.b-secret",
                                            "STS.b-token",
                                            now + 60 * MINUTE);
                                });
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);
        Credentials a = provider.getCredentials();
        clock.advance(AliyunCredentialsProvider.REFRESH_INTERVAL_MILLIS);

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Credentials> refresher = pool.submit(provider::getCredentials);
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) {
                assertThat(provider.getCredentials()).isSameAs(a);
            }
            assertThat(fetch.fetches()).isEqualTo(2);
            release.countDown();
            assertThat(refresher.get(30, TimeUnit.SECONDS).accessId()).isEqualTo("STS.b");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(provider.getCredentials().accessId()).isEqualTo("STS.b");
        assertThat(fetch.fetches()).isEqualTo(2);
    }

    @Test
    void afterAFailedFetchWithoutValidCredentialsWaitersDoNotHitTheSourceAgain() {
        FakeClock clock = new FakeClock();
        ScriptedFetch fetch =
                new ScriptedFetch().thenFail().then("STS.a", clock.getAsLong() + 60 * MINUTE);
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(provider::getCredentials)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "Could not get credentials (test): IllegalStateException: metadata"
                                    + " service did not answer");
        }
        assertThat(fetch.fetches()).isEqualTo(1);
        clock.advance(AliyunCredentialsProvider.RETRY_AFTER_FAILURE_MILLIS);
        assertThat(provider.getCredentials().accessId()).isEqualTo("STS.a");
        assertThat(fetch.fetches()).isEqualTo(2);
    }

    @Test
    void theSameCredentialsWithALaterExpirationExtendTheirValidity() {
        FakeClock clock = new FakeClock();
        long start = clock.getAsLong();
        ScriptedFetch fetch =
                new ScriptedFetch()
                        .then("STS.a", start + 10 * MINUTE)
                        .then("STS.a", start + 60 * MINUTE)
                        .thenFail();
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);
        Credentials a = provider.getCredentials();
        clock.advance(AliyunCredentialsProvider.REFRESH_INTERVAL_MILLIS);

        assertThat(provider.getCredentials()).isSameAs(a);
        assertThat(fetch.fetches()).isEqualTo(2);
        assertThat(provider.expiresAtMillisForTest()).isEqualTo(start + 60 * MINUTE);

        // past the first expiration: still served, not fetched (45 minutes before the new one)
        clock.advance(30 * MINUTE);
        assertThat(provider.getCredentials()).isSameAs(a);
        assertThat(fetch.fetches()).isEqualTo(2);
        // the refresh at the new one's 15 minutes fails: the valid credentials serve on
        clock.advance(20 * MINUTE);
        assertThat(provider.getCredentials()).isSameAs(a);
        assertThat(fetch.fetches()).isEqualTo(3);
    }

    @Test
    void credentialsThatComeBackExpiredCountAsAFailedRefresh() {
        FakeClock clock = new FakeClock();
        long start = clock.getAsLong();
        ScriptedFetch fetch =
                new ScriptedFetch()
                        .then("STS.expired", start - 1)
                        .then("STS.a", start + 10 * MINUTE)
                        .then(
                                "STS.almost",
                                start
                                        + 9 * MINUTE
                                        + AliyunCredentialsProvider.RETRY_AFTER_FAILURE_MILLIS);
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.of(fetch, "test", clock);

        assertThatThrownBy(provider::getCredentials)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Could not get credentials (test): the answer expires at "
                                + Instant.ofEpochMilli(start - 1)
                                + ", 60000 ms or less from now ("
                                + Instant.ofEpochMilli(start)
                                + "): expired credentials, or this host's clock is off (keep it"
                                + " NTP-synchronized)");
        clock.advance(AliyunCredentialsProvider.RETRY_AFTER_FAILURE_MILLIS);
        Credentials a = provider.getCredentials();
        assertThat(a.accessId()).isEqualTo("STS.a");
        // an answer with a minute left is not taken: the current ones (1 m 55 s left) serve on
        clock.advance(8 * MINUTE);
        assertThat(provider.getCredentials()).isSameAs(a);
        assertThat(fetch.fetches()).isEqualTo(3);
        assertThat(provider.expiresAtMillisForTest()).isEqualTo(start + 10 * MINUTE);
    }

    /** Captures every log line of the library (both package names) and the adapter. */
    private List<String> captureAllLogs() {
        List<String> logged = new CopyOnWriteArrayList<>();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender appender =
                new AbstractAppender("capture-all-2", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        logged.add(
                                event.getLevel()
                                        + " "
                                        + event.getLoggerName()
                                        + " "
                                        + event.getMessage().getFormattedMessage()
                                        + (event.getThrown() == null
                                                ? ""
                                                : " " + event.getThrown()));
                    }
                };
        appender.start();
        List<String> names = List.of("com.aliyun", "io.github.mctunnel");
        for (String name : names) {
            LoggerConfig loggerConfig = new LoggerConfig(name, Level.ALL, false);
            loggerConfig.addAppender(appender, Level.ALL, null);
            config.addLogger(name, loggerConfig);
        }
        context.updateLoggers();
        toClose.add(
                () -> {
                    for (String name : names) {
                        config.removeLogger(name);
                    }
                    context.updateLoggers();
                    appender.stop();
                });
        return logged;
    }

    @Test
    void aCredentialsUriAnswerWithoutTokenAndExpirationLogsAndThrowsNoSecret() throws Exception {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress(
                                java.net.InetAddress.getLoopbackAddress(), 0),
                        0);
        java.util.concurrent.atomic.AtomicInteger served =
                new java.util.concurrent.atomic.AtomicInteger();
        server.createContext(
                "/credentials",
                exchange -> {
                    try (exchange) {
                        served.incrementAndGet();
                        byte[] body =
                                ("{\"Code\":\"Success\",\"AccessKeyId\":\"LTAI-long-term\","
                                                + "\"AccessKeySecret\":\"the-full-long-term-secret\"}")
                                        .getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                });
        server.start();
        toClose.add(() -> server.stop(0));
        List<String> logged = captureAllLogs();
        String uri =
                "http://127.0.0.1:"
                        + server.getAddress().getPort()
                        + "/credentials?token=uri-query-secret&x=1";
        AliyunCredentialsProvider provider = AliyunCredentialsProvider.credentialsUri(uri);
        toClose.add(provider);

        assertThatThrownBy(provider::getCredentials)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Could not get credentials (credentials-uri): IllegalStateException:"
                                + " Failed to get credentials from http://127.0.0.1:"
                                + server.getAddress().getPort()
                                + "/credentials: the response has no SecurityToken, Expiration")
                .hasNoCause();
        // what a request would carry: the signer's message, too, holds no secret
        assertThatThrownBy(() -> signedHeaders(provider))
                .isInstanceOf(RequestSigner.CredentialsUnavailableException.class)
                .hasMessageNotContaining("the-full-long-term-secret")
                .hasMessageNotContaining("uri-query-secret");
        assertThat(served.get()).isEqualTo(1);
        String all = String.join("\n", logged);
        assertThat(all)
                .doesNotContain("the-full-long-term-secret")
                .doesNotContain("uri-query-secret")
                .doesNotContain("-secret");
    }

    @Test
    void urlQueryValuesAreRedactedAndUrisPrintedWithoutQuery() {
        assertThat(
                        SecretRedaction.redact(
                                "Failed to connect Server: http://sidecar:8080/creds?token=SECRET&b=2"
                                        + " (refused)"))
                .isEqualTo(
                        "Failed to connect Server: http://sidecar:8080/creds?token=***&b=*** (refused)");
        assertThat(SecretRedaction.redact("GET https://h/p?SECRET"))
                .isEqualTo("GET https://h/p?***");
        assertThat(SecretRedaction.safeUri("http://user:pw@sidecar/creds?token=SECRET#f"))
                .isEqualTo("http://sidecar/creds");
        assertThatThrownBy(() -> AliyunCredentialsProvider.credentialsUri("ftp://h/c?token=SECRET"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot set up the credentials-uri credentials: Credential URI is not"
                                + " valid: ftp://h/c");
    }

    @Test
    void withoutTheLibraryOnTheClassPathTheMessageNamesIt() throws Exception {
        java.net.URL classes =
                AliyunCredentialsProvider.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader app = getClass().getClassLoader();
        // this module's classes again, in a loader that sees no com.aliyun class
        ClassLoader withoutLibrary =
                new java.net.URLClassLoader(new java.net.URL[] {classes}, null) {
                    @Override
                    protected Class<?> loadClass(String name, boolean resolve)
                            throws ClassNotFoundException {
                        if (name.startsWith("com.aliyun.")) {
                            throw new ClassNotFoundException(name);
                        }
                        if (name.startsWith("io.github.mctunnel.")) {
                            return super.loadClass(name, resolve);
                        }
                        return app.loadClass(name);
                    }
                };
        Class<?> providerClass =
                Class.forName(AliyunCredentialsProvider.class.getName(), true, withoutLibrary);
        Class<?> sourceClass =
                Class.forName(
                        AliyunCredentialsProvider.Source.class.getName(), true, withoutLibrary);
        Object ecs = sourceClass.getField("ECS_RAM_ROLE").get(null);

        assertThatThrownBy(
                        () -> {
                            // as a caller linked against create: only that method is resolved
                            java.lang.invoke.MethodHandles.publicLookup()
                                    .findStatic(
                                            providerClass,
                                            "create",
                                            java.lang.invoke.MethodType.methodType(
                                                    providerClass, sourceClass))
                                    .invoke(ecs);
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "The ecs-ram-role credentials need Alibaba Cloud's credentials library on"
                                + " the class path: add com.aliyun:credentials-java:1.0.3 (with"
                                + " com.aliyun:tea:1.4.2, as this client pins it)");
    }
}
