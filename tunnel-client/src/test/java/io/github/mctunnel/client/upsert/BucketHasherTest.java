package io.github.mctunnel.client.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fixed vectors. Every expected number below was computed once with the official SDK (odps-sdk-core
 * 0.57.1-public, {@code TypeHasher.hash(type, value, "default"|"legacy")} with the SDK's value
 * classes, {@code DecimalHashObject} for decimals, and {@code TypeHasher.CombineHashVal} for the
 * combination). The randomised comparison against the live SDK is in sdk-compat-tests.
 */
class BucketHasherTest {

    private static final BucketHasher DEFAULT_HASHER =
            BucketHasher.create(HasherKind.DEFAULT, List.of(TypeInfo.of(OdpsType.BIGINT)), 1);
    private static final BucketHasher LEGACY_HASHER =
            BucketHasher.create(HasherKind.LEGACY, List.of(TypeInfo.of(OdpsType.BIGINT)), 1);

    private static int hash(HasherKind kind, String type, Object value) {
        return BucketHasher.create(kind, List.of(TypeInfo.parse(type)), 1).hashKey(0, value);
    }

    private static void assertVector(
            String type, Object value, int expectedDefault, int expectedLegacy) {
        assertThat(hash(HasherKind.DEFAULT, type, value))
                .as("default %s %s", type, value)
                .isEqualTo(expectedDefault);
        assertThat(hash(HasherKind.LEGACY, type, value))
                .as("legacy %s %s", type, value)
                .isEqualTo(expectedLegacy);
    }

    @Test
    void integerVectors() {
        assertVector("bigint", 0L, 0, 0);
        assertVector("bigint", 1L, 357654460, 1);
        assertVector("bigint", -1L, 357653185, 0);
        assertVector("bigint", Long.MIN_VALUE, -1787473579, -2147483648);
        assertVector("bigint", Long.MAX_VALUE, -1977349188, -2147483648);
        assertVector("bigint", 1234567890123L, -1187240199, 1912276436);
        // The integer hash does not depend on the column width.
        assertVector("int", 1, 357654460, 1);
        assertVector("smallint", (short) -1, 357653185, 0);
        assertVector("tinyint", (byte) 1, 357654460, 1);
    }

    @Test
    void textAndBinaryVectors() {
        assertVector("string", "", 0, 0);
        assertVector("string", "hello", -1259046373, 99162322);
        assertVector("string", "中文ü", -45962729, 861655415);
        assertVector("string", "a\uD83D\uDE00b", -642676387, -1535709526);
        assertVector("varchar(10)", "hello", -1259046373, 99162322);
        assertVector("char(5)", "hello", -1259046373, 99162322);
        assertVector("string", "中文ü".getBytes(StandardCharsets.UTF_8), -45962729, 861655415);
        // BINARY hashes its quoted-printable form "=00=3D=FFA".
        assertVector("binary", new byte[] {0, 0x3d, (byte) 0xff, 0x41}, 495646611, 1917549813);
    }

    @Test
    void otherScalarVectors() {
        assertVector("boolean", true, 388737479, 388737479);
        assertVector("boolean", false, -978963218, -978963218);
        assertVector("double", 1.5d, 356777983, 1073217536);
        assertVector("float", -2.25f, 1386103791, 1072693247);
    }

    @Test
    void dateAndTimeVectors() {
        assertVector("date", LocalDate.of(2024, 1, 15), 1215023419, 1705276800);
        assertVector("date", LocalDate.of(1969, 7, 20), -639824718, 14255999);
        Instant dt = Instant.parse("2024-01-15T10:20:30.123Z");
        assertVector("datetime", dt, -659543421, 212013990);
        assertVector("datetime", dt.atOffset(ZoneOffset.ofHours(8)), -659543421, 212013990);
        assertVector("datetime", dt.atZone(ZoneOffset.UTC), -659543421, 212013990);
        assertVector(
                "timestamp",
                Instant.parse("2024-01-15T10:20:30.123456789Z"),
                614465984,
                -1640854354);
        assertVector("timestamp", Instant.parse("1960-01-01T00:00:00.5Z"), -513624555, -427727072);
        assertVector(
                "timestamp_ntz",
                LocalDateTime.parse("2024-01-15T10:20:30.123456789"),
                614465984,
                -1640854354);
        assertVector("interval_day_time", Duration.ofSeconds(90061, 5), 2035765787, 1073764342);
    }

    @Test
    void decimalVectors() {
        assertVector("decimal(10,2)", new BigDecimal("12.345"), -682024206, 1235);
        assertVector("decimal(10,2)", new BigDecimal("-12.345"), -682019553, 1234);
        assertVector("decimal(38,18)", new BigDecimal("12.345"), 1809134909, 1130414103);
        assertVector(
                "decimal(38,18)",
                new BigDecimal("-99999999999999999999.999999999999999999"),
                70952112,
                137586323);
    }

    @Test
    void decimalHashDependsOnValueNotOnItsScale() {
        BucketHasher h =
                BucketHasher.create(HasherKind.DEFAULT, List.of(TypeInfo.decimal(10, 2)), 1);
        int expected = h.hashKey(0, new BigDecimal("12.30"));
        assertThat(h.hashKey(0, new BigDecimal("12.3"))).isEqualTo(expected);
        assertThat(h.hashKey(0, new BigDecimal("12.300000"))).isEqualTo(expected);
        assertThat(h.hashKey(0, new BigDecimal("1.23E+1"))).isEqualTo(expected);
        assertThat(h.hashKey(0, new BigDecimal("12.295"))).isEqualTo(expected); // half-up
        assertThat(h.hashKey(0, new BigDecimal("12.2949"))).isNotEqualTo(expected);
        assertThat(h.hashDecimalUnscaled(1230, 10)).isEqualTo(expected);
    }

    @Test
    void compactDecimalFastPathMatchesBigDecimal() {
        for (int precision : new int[] {10, 18, 19, 38}) {
            BucketHasher h =
                    BucketHasher.create(
                            HasherKind.DEFAULT, List.of(TypeInfo.decimal(precision, 3)), 1);
            for (long unscaled :
                    new long[] {
                        0, 1, -1, 123456789, -987654321987L, Long.MIN_VALUE, Long.MAX_VALUE
                    }) {
                assertThat(h.hashDecimalUnscaled(unscaled, precision))
                        .as("precision %d unscaled %d", precision, unscaled)
                        .isEqualTo(h.hashKey(0, BigDecimal.valueOf(unscaled, 3)));
            }
        }
    }

    @Test
    void combinesAndBucketsLikeTheSdk() {
        int bigint = DEFAULT_HASHER.hashLong(42);
        int text = DEFAULT_HASHER.hashString("k");
        assertThat(BucketHasher.combine(new int[] {bigint, text})).isEqualTo(7661353);
        assertThat(bucketsOf(HasherKind.DEFAULT)).containsExactly(0, 0, 9, 41);

        int legacyBigint = LEGACY_HASHER.hashLong(42);
        int legacyText = LEGACY_HASHER.hashString("k");
        assertThat(BucketHasher.combine(new int[] {legacyBigint, legacyText})).isEqualTo(149);
        assertThat(bucketsOf(HasherKind.LEGACY)).containsExactly(0, 2, 5, 149);
    }

    private static int[] bucketsOf(HasherKind kind) {
        int[] result = new int[4];
        int[] counts = {1, 7, 16, 256};
        for (int i = 0; i < counts.length; i++) {
            BucketHasher h =
                    BucketHasher.create(
                            kind,
                            List.of(TypeInfo.of(OdpsType.BIGINT), TypeInfo.of(OdpsType.STRING)),
                            counts[i]);
            result[i] = h.bucket(new Object[] {42L, "k"});
            // Key order does not matter; the primitive path agrees.
            BucketHasher swapped =
                    BucketHasher.create(
                            kind,
                            List.of(TypeInfo.of(OdpsType.STRING), TypeInfo.of(OdpsType.BIGINT)),
                            counts[i]);
            assertThat(swapped.bucket(new Object[] {"k", 42L})).isEqualTo(result[i]);
            assertThat(h.bucketOfHashSum(h.hashLong(42) + h.hashString("k"))).isEqualTo(result[i]);
            assertThat(h.bucketOf(new int[] {h.hashLong(42), h.hashString("k")}))
                    .isEqualTo(result[i]);
        }
        return result;
    }

    @Test
    void bucketIsNeverNegative() {
        BucketHasher h =
                BucketHasher.create(HasherKind.DEFAULT, List.of(TypeInfo.of(OdpsType.BIGINT)), 7);
        for (int sum : new int[] {Integer.MIN_VALUE, -1, -256, Integer.MAX_VALUE, 0}) {
            assertThat(h.bucketOfHashSum(sum)).isBetween(0, 6);
        }
        assertThat(BucketHasher.combine(new int[] {Integer.MIN_VALUE})).isEqualTo(0x7f800000);
    }

    @Test
    void malformedUtf8HashesLikeItsDecodedString() {
        byte[] malformed = {
            'a', (byte) 0xC3, 'b', (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xF8
        };
        String decoded = new String(malformed, StandardCharsets.UTF_8);
        for (HasherKind kind : HasherKind.values()) {
            BucketHasher h = BucketHasher.create(kind, List.of(TypeInfo.of(OdpsType.STRING)), 1);
            assertThat(h.hashUtf8(malformed, 0, malformed.length)).isEqualTo(h.hashString(decoded));
        }
    }

    @Test
    void unpairedSurrogateHashesAsQuestionMark() {
        assertThat(DEFAULT_HASHER.hashString("x\uD800y"))
                .isEqualTo(DEFAULT_HASHER.hashString("x?y"));
        assertThat(DEFAULT_HASHER.hashString("x\uDC00")).isEqualTo(DEFAULT_HASHER.hashString("x?"));
    }

    @Test
    void utf8SliceUsesOnlyTheSlice() {
        byte[] buffer = "##hello##".getBytes(StandardCharsets.UTF_8);
        assertThat(DEFAULT_HASHER.hashUtf8(buffer, 2, 5)).isEqualTo(-1259046373);
        assertThatThrownBy(() -> DEFAULT_HASHER.hashUtf8(buffer, 5, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void nullKeyIsRejectedNamingThePosition() {
        BucketHasher h =
                BucketHasher.create(
                        HasherKind.DEFAULT,
                        List.of(TypeInfo.of(OdpsType.BIGINT), TypeInfo.of(OdpsType.STRING)),
                        4);
        assertThatThrownBy(() -> h.bucket(new Object[] {1L, null}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Upsert key column #1 (string) is null; upsert key values must not be null");
        BucketHasher named =
                BucketHasher.forKeyColumns(
                        HasherKind.DEFAULT, List.of(Column.of("id", "bigint")), 4);
        assertThatThrownBy(() -> named.bucket(new Object[] {null}))
                .hasMessage(
                        "Upsert key column #0 'id' (bigint) is null; upsert key values must not be null");
    }

    @Test
    void wrongValuesAreRejectedClearly() {
        BucketHasher h =
                BucketHasher.create(
                        HasherKind.DEFAULT,
                        List.of(TypeInfo.of(OdpsType.TINYINT), TypeInfo.of(OdpsType.DATE)),
                        4);
        assertThatThrownBy(() -> h.bucket(new Object[] {300, LocalDate.EPOCH}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Upsert key column #0 (tinyint): value 300 is out of range [-128, 127]");
        assertThatThrownBy(() -> h.bucket(new Object[] {(byte) 1, "2024-01-01"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Upsert key column #1 (date) expects LocalDate, got java.lang.String");
        assertThatThrownBy(() -> h.bucket(new Object[] {(byte) 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected 2 upsert key values, got 1");
    }

    @ParameterizedTest
    @EnumSource(
            value = OdpsType.class,
            names = {"JSON", "INTERVAL_YEAR_MONTH"})
    void unsupportedKeyTypesAreRejectedAtCreation(OdpsType type) {
        assertThatThrownBy(
                        () ->
                                BucketHasher.create(
                                        HasherKind.DEFAULT, List.of(TypeInfo.of(type)), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Upsert key column #0 ("
                                + type.typeName()
                                + "): type "
                                + type.typeName()
                                + " cannot be a hash key; supported key types are tinyint,");
    }

    @Test
    void nestedKeyTypeIsRejected() {
        assertThatThrownBy(
                        () ->
                                BucketHasher.create(
                                        HasherKind.LEGACY,
                                        List.of(TypeInfo.parse("array<bigint>")),
                                        1))
                .hasMessageContaining("type array<bigint> cannot be a hash key");
    }

    @Test
    void invalidShapesAreRejected() {
        assertThatThrownBy(() -> BucketHasher.create(HasherKind.DEFAULT, List.of(), 1))
                .hasMessage("An upsert table needs at least one key column");
        assertThatThrownBy(
                        () ->
                                BucketHasher.create(
                                        HasherKind.DEFAULT,
                                        List.of(TypeInfo.of(OdpsType.BIGINT)),
                                        0))
                .hasMessage("Bucket count must be at least 1, got 0");
    }

    @ParameterizedTest
    @CsvSource({"default,DEFAULT", "legacy,LEGACY", "LEGACY,LEGACY", "'',DEFAULT"})
    void hasherKindFromServiceName(String name, HasherKind expected) {
        assertThat(HasherKind.fromServiceName(name)).isEqualTo(expected);
    }

    @Test
    void hasherKindRejectsUnknownNames() {
        assertThat(HasherKind.fromServiceName(null)).isEqualTo(HasherKind.DEFAULT);
        assertThatThrownBy(() -> HasherKind.fromServiceName("murmur"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unsupported upsert hasher 'murmur'; supported hashers: default, legacy");
    }

    @Test
    void offsetDateTimeAndInstantAgreeForDatetime() {
        Instant t = Instant.parse("1900-03-04T05:06:07.891Z");
        OffsetDateTime o = t.atOffset(ZoneOffset.ofHours(-5));
        assertThat(hash(HasherKind.DEFAULT, "datetime", o))
                .isEqualTo(DEFAULT_HASHER.hashDatetime(t.toEpochMilli()));
    }
}
