package io.github.mctunnel.benchmarks.data;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic rows of a realistic wide event table (16 columns of mixed types, one nullable
 * column that is NULL in about 30% of the rows), held column by column as primitives and UTF-8
 * bytes for the field-by-field writer, and as {@code Object[]} rows for the generic writer. A row
 * encodes to 322 bytes on average.
 *
 * <p>The same seed always gives the same rows, so every run and every benchmark measures the same
 * data.
 */
public final class EventRows {

    /** The table's columns, in order. */
    public static final List<Column> COLUMNS =
            List.of(
                    Column.of("event_id", "bigint"),
                    Column.of("user_id", "bigint"),
                    Column.of("event_type", "string"),
                    Column.of("session_id", "string"),
                    Column.of("url", "string"),
                    Column.of("user_agent", "string"),
                    Column.of("country", "varchar(8)"),
                    Column.of("amount", TypeInfo.decimal(18, 4)),
                    Column.of("price", "double"),
                    Column.of("quantity", "int"),
                    Column.of("discount", "float"),
                    Column.of("is_mobile", "boolean"),
                    Column.of("event_time", "timestamp"),
                    Column.of("event_date", "date"),
                    Column.of("created_at", "datetime"),
                    Column.of("referrer", "string"));

    public static final TableSchema SCHEMA = TableSchema.of(COLUMNS);

    private static final String[] EVENT_TYPES = {
        "page_view", "click", "add_to_cart", "remove_from_cart", "checkout", "purchase",
        "search", "login", "logout", "share", "like", "video_play"
    };
    private static final String[] HOSTS = {
        "https://shop.example.com", "https://m.example.com", "https://www.example.cn"
    };
    private static final String[] PATHS = {
        "/product/", "/category/", "/search?q=", "/cart/", "/checkout/step/", "/user/orders/"
    };
    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
                + " like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/126.0.6478.71 Mobile Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                + " Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
    };
    private static final String[] COUNTRIES = {"CN", "US", "DE", "JP", "SG", "GB", "FR", "BR"};
    private static final String[] REFERRERS = {
        "https://www.google.com/",
        "https://www.baidu.com/s?wd=shoes",
        "https://t.co/x1y2z3",
        "https://mail.example.com/campaign/2024-06",
        "https://news.example.org/article/991"
    };
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long BASE_EPOCH_SECOND = 1_717_200_000L; // 2024-06-01T00:00:00Z
    private static final int SECONDS_PER_DAY = 86_400;

    private final int size;
    private final long[] eventId;
    private final long[] userId;
    private final byte[][] eventType;
    private final byte[][] sessionId;
    private final byte[][] url;
    private final byte[][] userAgent;
    private final byte[][] country;
    private final BigDecimal[] amount;
    private final double[] price;
    private final int[] quantity;
    private final float[] discount;
    private final boolean[] mobile;
    private final long[] eventSecond;
    private final int[] eventNano;
    private final long[] createdMillis;
    private final byte[][] referrer;
    private final Object[][] generic;

    private EventRows(int size) {
        this.size = size;
        eventId = new long[size];
        userId = new long[size];
        eventType = new byte[size][];
        sessionId = new byte[size][];
        url = new byte[size][];
        userAgent = new byte[size][];
        country = new byte[size][];
        amount = new BigDecimal[size];
        price = new double[size];
        quantity = new int[size];
        discount = new float[size];
        mobile = new boolean[size];
        eventSecond = new long[size];
        eventNano = new int[size];
        createdMillis = new long[size];
        referrer = new byte[size][];
        generic = new Object[size][];
    }

    /** {@code size} rows from {@code seed}; event ids start at {@code firstEventId}. */
    public static EventRows generate(int size, long seed, long firstEventId) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        EventRows r = new EventRows(size);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            r.eventId[i] = firstEventId + i;
            r.userId[i] = 1 + random.nextLong(10_000_000L);
            r.eventType[i] = utf8(EVENT_TYPES[random.nextInt(EVENT_TYPES.length)]);
            r.sessionId[i] = utf8(hex(random, 32));
            r.url[i] =
                    utf8(
                            HOSTS[random.nextInt(HOSTS.length)]
                                    + PATHS[random.nextInt(PATHS.length)]
                                    + random.nextInt(1_000_000)
                                    + "?utm_source=feed&ref="
                                    + hex(random, 8));
            r.userAgent[i] = utf8(USER_AGENTS[random.nextInt(USER_AGENTS.length)]);
            r.country[i] = utf8(COUNTRIES[random.nextInt(COUNTRIES.length)]);
            r.amount[i] = BigDecimal.valueOf(random.nextLong(100_000_000L), 4);
            r.price[i] = Math.round(random.nextDouble() * 100_000) / 100.0;
            r.quantity[i] = 1 + random.nextInt(20);
            r.discount[i] = random.nextInt(50) / 100f;
            r.mobile[i] = random.nextBoolean();
            r.eventSecond[i] = BASE_EPOCH_SECOND + random.nextInt(30 * SECONDS_PER_DAY);
            r.eventNano[i] = random.nextInt(1_000_000) * 1_000;
            r.createdMillis[i] = r.eventSecond[i] * 1000 + random.nextInt(1000);
            r.referrer[i] =
                    random.nextInt(10) < 3
                            ? null
                            : utf8(REFERRERS[random.nextInt(REFERRERS.length)]);
            r.generic[i] = r.toObjects(i);
        }
        return r;
    }

    public int size() {
        return size;
    }

    /** Row {@code i} in the generic writer's Java mapping (a shared array: do not modify). */
    public Object[] row(int i) {
        return generic[i];
    }

    /** Writes row {@code i} with the field-by-field (no boxing) API. */
    public void writeFields(RecordStreamWriter w, int i) throws IOException {
        w.setBigint(0, eventId[i]);
        w.setBigint(1, userId[i]);
        w.setString(2, eventType[i], 0, eventType[i].length);
        w.setString(3, sessionId[i], 0, sessionId[i].length);
        w.setString(4, url[i], 0, url[i].length);
        w.setString(5, userAgent[i], 0, userAgent[i].length);
        w.setString(6, country[i], 0, country[i].length);
        w.setDecimal(7, amount[i]);
        w.setDouble(8, price[i]);
        w.setInt(9, quantity[i]);
        w.setFloat(10, discount[i]);
        w.setBoolean(11, mobile[i]);
        w.setTimestamp(12, eventSecond[i], eventNano[i]);
        w.setDate(13, Math.floorDiv(eventSecond[i], SECONDS_PER_DAY));
        w.setDatetime(14, createdMillis[i]);
        byte[] ref = referrer[i];
        if (ref != null) {
            w.setString(15, ref, 0, ref.length);
        }
        w.endRecord();
    }

    /** Upsert-style key of row {@code i}: the user id. */
    public long userId(int i) {
        return userId[i];
    }

    /** Upsert-style key of row {@code i}: the session id as UTF-8. */
    public byte[] sessionIdUtf8(int i) {
        return sessionId[i];
    }

    private Object[] toObjects(int i) {
        return new Object[] {
            eventId[i],
            userId[i],
            text(eventType[i]),
            text(sessionId[i]),
            text(url[i]),
            text(userAgent[i]),
            text(country[i]),
            amount[i],
            price[i],
            quantity[i],
            discount[i],
            mobile[i],
            Instant.ofEpochSecond(eventSecond[i], eventNano[i]),
            LocalDate.ofEpochDay(Math.floorDiv(eventSecond[i], SECONDS_PER_DAY)),
            Instant.ofEpochMilli(createdMillis[i]),
            referrer[i] == null ? null : text(referrer[i])
        };
    }

    private static String hex(SplittableRandom random, int chars) {
        char[] c = new char[chars];
        for (int i = 0; i < chars; i++) {
            c[i] = HEX[random.nextInt(16)];
        }
        return new String(c);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
