package io.github.mctunnel.sql;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the packaged uber-jar (run by failsafe after {@code package}): only our own classes, the
 * relocated HttpClient and Jackson, the native codecs and {@code META-INF}; the table factory is
 * registered; the codecs load their natives from the jar in a class loader that sees nothing else.
 */
class SqlJarPackagingITCase {

    /** Everything bundled must live under one of these. */
    private static final List<String> ALLOWED =
            List.of(
                    "io/github/mctunnel/",
                    "META-INF/",
                    // JNI codecs, not relocatable (native symbols name the classes)
                    "org/xerial/snappy/",
                    "net/jpountz/",
                    "com/github/luben/zstd/",
                    // zstd-jni keeps its natives at <os>/<arch>/ in the jar root
                    "linux/",
                    "darwin/",
                    "win/",
                    "freebsd/",
                    "aix/",
                    // credentials-java reads its version (for its User-Agent) from this root
                    // resource; its static initializer fails without it
                    "version.properties");

    private static Path jar;
    private static List<String> entries;

    @BeforeAll
    static void openJar() throws Exception {
        jar = Path.of(System.getProperty("sqlJar"));
        assertThat(jar).exists();
        entries = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> e = file.entries();
            while (e.hasMoreElements()) {
                entries.add(e.nextElement().getName());
            }
        }
    }

    @Test
    void containsOnlyAllowedPaths() {
        List<String> foreign = new ArrayList<>();
        for (String name : entries) {
            boolean parentDirectory =
                    name.endsWith("/") && ALLOWED.stream().anyMatch(a -> a.startsWith(name));
            if (!parentDirectory && ALLOWED.stream().noneMatch(name::startsWith)) {
                foreign.add(name);
            }
        }
        assertThat(foreign).isEmpty();
    }

    @Test
    void bundlesTheConnectorAndRelocatedLibrariesButNotFlinkOrSlf4j() {
        assertThat(entries)
                .contains(
                        "io/github/mctunnel/flink/table/MaxComputeDynamicTableFactory.class",
                        "io/github/mctunnel/flink/sink/TunnelSink.class",
                        "io/github/mctunnel/client/TunnelClient.class",
                        "io/github/mctunnel/shaded/org/apache/hc/client5/http/classic/HttpClient.class",
                        "io/github/mctunnel/shaded/com/fasterxml/jackson/databind/ObjectMapper.class",
                        "org/xerial/snappy/Snappy.class",
                        "net/jpountz/lz4/LZ4Factory.class",
                        "com/github/luben/zstd/Zstd.class",
                        "io/github/mctunnel/client/auth/AliyunCredentialsProvider.class",
                        "io/github/mctunnel/shaded/com/aliyun/credentials/provider/DefaultCredentialsProvider.class",
                        "io/github/mctunnel/shaded/com/aliyun/tea/TeaModel.class",
                        "io/github/mctunnel/shaded/com/google/gson/Gson.class",
                        "io/github/mctunnel/shaded/okhttp3/internal/tls/OkHostnameVerifier.class",
                        "version.properties");
        assertThat(entries)
                .noneMatch(n -> n.startsWith("com/aliyun/"))
                .noneMatch(n -> n.startsWith("com/google/"))
                .noneMatch(n -> n.startsWith("okhttp3/"))
                .noneMatch(n -> n.startsWith("okio/"))
                .noneMatch(n -> n.startsWith("kotlin/"))
                .noneMatch(n -> n.startsWith("org/apache/commons/"))
                .noneMatch(n -> n.startsWith("org/jacoco/"))
                .noneMatch(n -> n.contains("publicsuffixes"))
                .noneMatch(n -> n.startsWith("org/apache/flink/"))
                .noneMatch(n -> n.startsWith("org/slf4j/"))
                .noneMatch(n -> n.startsWith("org/apache/hc/"))
                .noneMatch(n -> n.startsWith("com/fasterxml/"));
        assertThat(entries).anyMatch(n -> n.matches("linux/amd64/libzstd-jni-.*\\.so"));
        assertThat(entries).anyMatch(n -> n.matches("org/xerial/snappy/native/Linux/x86_64/.*"));
        assertThat(entries).anyMatch(n -> n.matches("net/jpountz/util/linux/amd64/.*"));
    }

    @Test
    void registersTheTableFactory() throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry services =
                    file.getJarEntry("META-INF/services/org.apache.flink.table.factories.Factory");
            assertThat(services).isNotNull();
            try (InputStream in = file.getInputStream(services)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(text.lines().map(String::trim))
                        .contains("io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory");
            }
        }
    }

    @Test
    void relocatedClassesReferNoUnrelocatedPackages() throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry client =
                    file.getJarEntry("io/github/mctunnel/client/http/HttpTransport.class");
            assertThat(client).isNotNull();
            try (InputStream in = file.getInputStream(client)) {
                String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(bytes)
                        .contains("io/github/mctunnel/shaded/org/apache/hc/")
                        .doesNotContain("Lorg/apache/hc/");
            }
            JarEntry credentials =
                    file.getJarEntry(
                            "io/github/mctunnel/client/auth/AliyunCredentialsProvider.class");
            assertThat(credentials).isNotNull();
            try (InputStream in = file.getInputStream(credentials)) {
                String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(bytes)
                        .contains("io/github/mctunnel/shaded/com/aliyun/credentials/")
                        .doesNotContain("Lcom/aliyun/");
                // every com/aliyun/ in its constant pool is the relocated one
                assertThat(bytes.split("com/aliyun/", -1).length)
                        .isEqualTo(bytes.split("shaded/com/aliyun/", -1).length);
            }
        }
    }

    @Test
    void nativeCodecsLoadFromTheJarAlone() throws Exception {
        try (URLClassLoader isolated =
                new URLClassLoader(
                        new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> compression =
                    Class.forName("io.github.mctunnel.client.compress.Compression", true, isolated);
            Method compress = compression.getMethod("compress", OutputStream.class);
            Method decompress = compression.getMethod("decompress", InputStream.class);
            byte[] data = "row-".repeat(5000).getBytes(StandardCharsets.UTF_8);
            for (Object codec : compression.getEnumConstants()) {
                ByteArrayOutputStream packed = new ByteArrayOutputStream();
                try (OutputStream out = (OutputStream) compress.invoke(codec, packed)) {
                    out.write(data);
                }
                byte[] unpacked;
                try (InputStream in =
                        (InputStream)
                                decompress.invoke(
                                        codec, new ByteArrayInputStream(packed.toByteArray()))) {
                    unpacked = in.readAllBytes();
                }
                assertThat(unpacked).as("codec %s", codec).isEqualTo(data);
                if (!codec.toString().equals("RAW")) {
                    assertThat(packed.size()).as("codec %s", codec).isLessThan(data.length / 10);
                }
            }
        }
        assertThat(Files.size(jar)).isPositive();
    }
}
