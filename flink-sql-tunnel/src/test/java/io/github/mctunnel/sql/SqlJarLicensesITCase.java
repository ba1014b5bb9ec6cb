package io.github.mctunnel.sql;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the packaged uber-jar (run by failsafe after {@code package}) and checks what it says about
 * licenses: the project's {@code META-INF/LICENSE}; a {@code META-INF/NOTICE} that names every
 * bundled third-party artifact with its version (and nothing that is not bundled) and keeps the
 * NOTICE text of every bundled dependency; and a {@code META-INF/licenses/LICENSE.*} text for every
 * bundled artifact, and every component inside one, that is not under the Apache License 2.0.
 *
 * <p>Which artifacts are bundled is found from the jar itself: a jar of the module's runtime
 * classpath is bundled when one of its classes (relocated as the shade plugin relocates them) is in
 * the uber-jar. A newly bundled dependency therefore fails this test until its license is recorded
 * in {@link #LICENSES} and its entry is added to the NOTICE.
 */
class SqlJarLicensesITCase {

    private static final String APACHE_2 = "Apache-2.0";

    /**
     * The license of every third-party artifact the uber-jar may bundle (checked against the
     * licenses its own pom declares, where it declares any), and the license file of each that is
     * not Apache-2.0.
     */
    private static final Map<String, String> LICENSES =
            Map.ofEntries(
                    Map.entry("org.apache.httpcomponents.client5:httpclient5", APACHE_2),
                    Map.entry("org.apache.httpcomponents.core5:httpcore5", APACHE_2),
                    Map.entry("org.apache.httpcomponents.core5:httpcore5-h2", APACHE_2),
                    Map.entry("com.fasterxml.jackson.core:jackson-annotations", APACHE_2),
                    Map.entry("com.fasterxml.jackson.core:jackson-core", APACHE_2),
                    Map.entry("com.fasterxml.jackson.core:jackson-databind", APACHE_2),
                    Map.entry("org.xerial.snappy:snappy-java", APACHE_2),
                    Map.entry("at.yawk.lz4:lz4-java", APACHE_2),
                    Map.entry("com.github.luben:zstd-jni", "BSD-2-Clause"),
                    // 'credentials.provider': Alibaba Cloud's credentials library and what it needs
                    Map.entry("com.aliyun:credentials-java", APACHE_2),
                    Map.entry("com.aliyun:credentials-api", APACHE_2),
                    Map.entry("com.aliyun:tea", APACHE_2),
                    Map.entry("com.google.code.gson:gson", APACHE_2),
                    Map.entry("commons-codec:commons-codec", APACHE_2),
                    Map.entry("com.squareup.okhttp3:okhttp", APACHE_2),
                    Map.entry("com.squareup.okio:okio-jvm", APACHE_2),
                    Map.entry("org.jetbrains.kotlin:kotlin-stdlib", APACHE_2));

    /**
     * Software under other licenses inside bundled artifacts: the license file each needs, and the
     * entry of the uber-jar that shows the component is there.
     */
    private static final Map<String, String> EMBEDDED_LICENSE_FILES =
            Map.of(
                    // jackson-core's shaded FastDoubleParser (MIT)
                    "META-INF/licenses/LICENSE.fastdoubleparser",
                            "io/github/mctunnel/shaded/com/fasterxml/jackson/core/internal/shaded/",
                    // snappy-java's natives are built from Google's Snappy (BSD-3-Clause)
                    "META-INF/licenses/LICENSE.snappy", "org/xerial/snappy/native/",
                    // lz4-java's natives are built from the LZ4 library (BSD-2-Clause)
                    "META-INF/licenses/LICENSE.lz4", "net/jpountz/util/linux/",
                    // zstd-jni's natives are built from Zstandard (BSD-3-Clause)
                    "META-INF/licenses/LICENSE.zstd", "linux/amd64/libzstd-jni");

    /** The shade plugin's relocations (flink-sql-tunnel/pom.xml). */
    private static final Map<String, String> RELOCATIONS =
            Map.of(
                    "org/apache/hc/", "io/github/mctunnel/shaded/org/apache/hc/",
                    "com/fasterxml/jackson/", "io/github/mctunnel/shaded/com/fasterxml/jackson/",
                    "com/aliyun/", "io/github/mctunnel/shaded/com/aliyun/",
                    "com/google/gson/", "io/github/mctunnel/shaded/com/google/gson/",
                    "org/apache/commons/codec/",
                            "io/github/mctunnel/shaded/org/apache/commons/codec/",
                    "okhttp3/", "io/github/mctunnel/shaded/okhttp3/",
                    "okio/", "io/github/mctunnel/shaded/okio/",
                    "kotlin/", "io/github/mctunnel/shaded/kotlin/");

    /** A {@code - group:artifact:version} line of the NOTICE. */
    private static final Pattern NOTICE_ARTIFACT =
            Pattern.compile("(?m)^- ([\\w.-]+):([\\w.-]+):([\\w.-]+)\\b");

    private static Path jar;
    private static Set<String> entries;
    private static String notice;

    /** "group:artifact" of every bundled third-party artifact, to its jar. */
    private static Map<String, BundledArtifact> bundled;

    private record BundledArtifact(String groupId, String artifactId, String version, Path jar) {
        String key() {
            return groupId + ":" + artifactId;
        }

        String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }

    @BeforeAll
    static void openJar() throws Exception {
        jar = Path.of(System.getProperty("sqlJar"));
        assertThat(jar).exists();
        entries = entriesOf(jar);
        notice = read(jar, "META-INF/NOTICE");
        bundled = findBundledArtifacts();
    }

    @Test
    void carriesTheProjectLicense() throws Exception {
        String license = read(jar, "META-INF/LICENSE");
        assertThat(license)
                .isEqualTo(
                        Files.readString(
                                Path.of(System.getProperty("projectLicense")),
                                StandardCharsets.UTF_8))
                .contains("Apache License", "Version 2.0, January 2004");
    }

    @Test
    void noticeStartsWithThisProject() {
        assertThat(notice.strip())
                .startsWith("flink-sql-tunnel\nCopyright ")
                .contains("The mctunnel developers");
    }

    @Test
    void findsTheBundledArtifacts() {
        // a sanity check of the detection: these are certainly bundled, slf4j certainly not
        assertThat(bundled.keySet())
                .contains(
                        "org.apache.httpcomponents.client5:httpclient5",
                        "com.fasterxml.jackson.core:jackson-databind",
                        "com.github.luben:zstd-jni",
                        "com.aliyun:credentials-java",
                        "com.squareup.okhttp3:okhttp")
                .doesNotContain(
                        "org.slf4j:slf4j-api",
                        "org.jacoco:org.jacoco.agent",
                        "org.jetbrains:annotations");
    }

    @Test
    void everyBundledArtifactHasAKnownLicenseAndIsNamedInTheNoticeWithItsVersion() {
        List<String> problems = new ArrayList<>();
        for (BundledArtifact artifact : bundled.values()) {
            if (!LICENSES.containsKey(artifact.key())) {
                problems.add(
                        artifact.coordinates()
                                + " is bundled but its license is not recorded: check it, add it to"
                                + " LICENSES here and to META-INF/NOTICE (and its license text under"
                                + " META-INF/licenses/ unless it is Apache-2.0)");
            }
            if (!notice.contains("- " + artifact.coordinates())) {
                problems.add("META-INF/NOTICE does not name '- " + artifact.coordinates() + "'");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theNoticeNamesOnlyBundledArtifacts() {
        Map<String, String> named = new TreeMap<>();
        Matcher m = NOTICE_ARTIFACT.matcher(notice);
        while (m.find()) {
            named.put(m.group(1) + ":" + m.group(2), m.group(3));
        }
        assertThat(named).isNotEmpty();
        Map<String, String> actual = new TreeMap<>();
        bundled.values().forEach(a -> actual.put(a.key(), a.version()));
        assertThat(named).isEqualTo(actual);
    }

    @Test
    void declaredLicensesAgreeWithTheRecordedOnes() throws IOException {
        for (BundledArtifact artifact : bundled.values()) {
            String expected = LICENSES.get(artifact.key());
            if (expected == null) {
                continue; // reported by everyBundledArtifactHas...
            }
            Path pom =
                    artifact.jar()
                            .resolveSibling(
                                    artifact.artifactId() + "-" + artifact.version() + ".pom");
            if (!Files.exists(pom)) {
                continue;
            }
            String text = Files.readString(pom, StandardCharsets.UTF_8);
            int start = text.indexOf("<licenses>");
            if (start < 0) {
                continue; // inherited from a parent pom (HttpComponents)
            }
            String licenses = text.substring(start, text.indexOf("</licenses>", start));
            String word = expected.equals(APACHE_2) ? "Apache" : "BSD";
            assertThat(licenses).as("licenses declared by %s", pom).contains(word);
            if (expected.startsWith("BSD-2")) {
                assertThat(licenses).as("licenses declared by %s", pom).contains("2-Clause");
            }
        }
    }

    @Test
    void carriesTheLicenseTextOfEveryNonApacheComponent() throws IOException {
        Map<String, String> required = new LinkedHashMap<>();
        for (BundledArtifact artifact : bundled.values()) {
            String license = LICENSES.get(artifact.key());
            if (license != null && !license.equals(APACHE_2)) {
                required.put("META-INF/licenses/LICENSE." + artifact.artifactId(), license);
            }
        }
        EMBEDDED_LICENSE_FILES.forEach(
                (file, marker) -> {
                    assertThat(entries)
                            .as("the component needing %s is still bundled", file)
                            .anyMatch(e -> e.startsWith(marker));
                    required.put(file, "embedded");
                });
        assertThat(required).isNotEmpty();
        for (String file : required.keySet()) {
            assertThat(entries).as("license file").contains(file);
            String text = read(jar, file);
            assertThat(text)
                    .as(file)
                    .containsAnyOf("Redistribution and use", "Permission is hereby granted");
            assertThat(notice).as("META-INF/NOTICE refers to %s", file).contains(file);
        }
        // and nothing stale: every bundled license file is required by something
        Set<String> present = new TreeSet<>();
        for (String e : entries) {
            if (e.startsWith("META-INF/licenses/") && !e.endsWith("/")) {
                present.add(e);
            }
        }
        assertThat(present).isEqualTo(new TreeSet<>(required.keySet()));
    }

    @Test
    void keepsTheNoticesAndExtraLicenseFilesOfBundledDependencies() throws IOException {
        for (BundledArtifact artifact : bundled.values()) {
            try (JarFile file = new JarFile(artifact.jar().toFile())) {
                Enumeration<JarEntry> e = file.entries();
                while (e.hasMoreElements()) {
                    String name = e.nextElement().getName();
                    if (name.equalsIgnoreCase("META-INF/NOTICE")
                            || name.equalsIgnoreCase("META-INF/NOTICE.txt")) {
                        String theirs = read(file, name);
                        for (String line : theirs.lines().map(String::strip).toList()) {
                            if (!line.isEmpty() && !line.startsWith("//")) {
                                assertThat(notice)
                                        .as("the NOTICE of %s", artifact.coordinates())
                                        .contains(line);
                            }
                        }
                    } else if (name.startsWith("META-INF/")
                            && !name.equalsIgnoreCase("META-INF/LICENSE")
                            && !name.equalsIgnoreCase("META-INF/LICENSE.txt")
                            && name.matches("(?i)META-INF/[^/]*(LICENSE|NOTICE)[^/]*")) {
                        // e.g. jackson-core's FastDoubleParser-NOTICE and thirdparty-LICENSE
                        assertThat(entries)
                                .as("kept from %s", artifact.coordinates())
                                .contains(name);
                    }
                }
            }
        }
    }

    /**
     * The third-party jars of the runtime classpath of which the uber-jar holds at least one class.
     */
    private static Map<String, BundledArtifact> findBundledArtifacts() throws IOException {
        Path repository = Path.of(System.getProperty("mavenLocalRepository")).toAbsolutePath();
        String classpath =
                Files.readString(
                                Path.of(System.getProperty("runtimeClasspathFile")),
                                StandardCharsets.UTF_8)
                        .strip();
        Map<String, BundledArtifact> found = new TreeMap<>();
        for (String element : classpath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(element).toAbsolutePath();
            if (!element.endsWith(".jar") || !path.startsWith(repository)) {
                continue; // a sibling module's target/classes
            }
            // <repository>/<group path>/<artifactId>/<version>/<artifactId>-<version>.jar
            Path versionDir = path.getParent();
            Path artifactDir = versionDir.getParent();
            String groupId =
                    repository.relativize(artifactDir.getParent()).toString().replace('/', '.');
            String artifactId = artifactDir.getFileName().toString();
            if (groupId.equals("io.github.mctunnel")) {
                continue;
            }
            if (bundlesAClassOf(path)) {
                BundledArtifact artifact =
                        new BundledArtifact(
                                groupId, artifactId, versionDir.getFileName().toString(), path);
                found.put(artifact.key(), artifact);
            }
        }
        return found;
    }

    private static boolean bundlesAClassOf(Path dependency) throws IOException {
        try (JarFile file = new JarFile(dependency.toFile())) {
            Enumeration<JarEntry> e = file.entries();
            while (e.hasMoreElements()) {
                String name = e.nextElement().getName();
                if (!name.endsWith(".class")
                        || name.startsWith("META-INF/")
                        || name.endsWith("module-info.class")) {
                    continue;
                }
                String shaded = name;
                for (Map.Entry<String, String> r : RELOCATIONS.entrySet()) {
                    if (name.startsWith(r.getKey())) {
                        shaded = r.getValue() + name.substring(r.getKey().length());
                    }
                }
                if (entries.contains(shaded)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> entriesOf(Path path) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarFile file = new JarFile(path.toFile())) {
            Enumeration<JarEntry> e = file.entries();
            while (e.hasMoreElements()) {
                names.add(e.nextElement().getName());
            }
        }
        return names;
    }

    private static String read(Path path, String entry) throws IOException {
        try (JarFile file = new JarFile(path.toFile())) {
            return read(file, entry);
        }
    }

    private static String read(JarFile file, String entry) throws IOException {
        JarEntry e = file.getJarEntry(entry);
        assertThat(e).as("%s in %s", entry, file.getName()).isNotNull();
        try (InputStream in = file.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
