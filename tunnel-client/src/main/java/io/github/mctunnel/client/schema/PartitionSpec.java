package io.github.mctunnel.client.schema;

import io.github.mctunnel.client.sql.SqlLiterals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A partition specification {@code k1=v1,k2=v2}, keys in the table's partition-key order. {@link
 * #toString()} gives the tunnel form (no quotes, comma separated, no spaces), {@link #parse}
 * accepts that form, quoted values ({@code ds='20240101'}), and {@code /} as separator.
 */
public final class PartitionSpec {

    private static final PartitionSpec EMPTY = new PartitionSpec(Collections.emptyMap());

    private final Map<String, String> values;

    private PartitionSpec(Map<String, String> values) {
        this.values = values;
    }

    public static PartitionSpec empty() {
        return EMPTY;
    }

    public static PartitionSpec of(Map<String, String> keyValues) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : keyValues.entrySet()) {
            String key = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("partition key must not be empty");
            }
            String value = Objects.requireNonNull(e.getValue(), "value of partition key " + key);
            if (value.isEmpty()) {
                throw new IllegalArgumentException(
                        "partition value of " + key + " must not be empty");
            }
            if (copy.put(key, value) != null) {
                throw new IllegalArgumentException("partition key " + key + " given twice");
            }
        }
        return copy.isEmpty() ? EMPTY : new PartitionSpec(Collections.unmodifiableMap(copy));
    }

    /**
     * Parses {@code k1=v1,k2=v2} (or with {@code /} between pairs, or quoted values).
     *
     * @throws IllegalArgumentException when a pair has no '=' or a key is empty
     */
    public static PartitionSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return EMPTY;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : splitPairs(spec)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "Invalid partition spec '"
                                + spec
                                + "': expected key=value pairs, got '"
                                + pair
                                + "'");
            }
            String key = pair.substring(0, eq).trim();
            String value = unquote(pair.substring(eq + 1).trim());
            if (map.containsKey(key.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "Invalid partition spec '" + spec + "': key " + key + " given twice");
            }
            map.put(key.toLowerCase(Locale.ROOT), value);
        }
        try {
            return of(map);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid partition spec '" + spec + "': " + e.getMessage(), e);
        }
    }

    /**
     * Splits at {@code ,} and {@code /} outside quoted values. Only a quote that opens a value (the
     * first character after {@code =}, spaces aside) quotes; a quote inside a value is an ordinary
     * character, so {@code ds=it's,hh=08} is two pairs.
     */
    private static List<String> splitPairs(String spec) {
        List<String> pairs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean seenEquals = false;
        boolean atValueStart = false;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (atValueStart && (c == '\'' || c == '"')) {
                quote = c;
                atValueStart = false;
                cur.append(c);
            } else if (c == ',' || c == '/') {
                pairs.add(cur.toString().trim());
                cur.setLength(0);
                seenEquals = false;
                atValueStart = false;
            } else {
                cur.append(c);
                if (c == '=' && !seenEquals) {
                    seenEquals = true;
                    atValueStart = true;
                } else if (!Character.isWhitespace(c)) {
                    atValueStart = false;
                }
            }
        }
        pairs.add(cur.toString().trim());
        return pairs;
    }

    private static String unquote(String v) {
        if (v.length() >= 2
                && (v.charAt(0) == '\'' || v.charAt(0) == '"')
                && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Characters that cannot appear in a partition value (they delimit partition specs). */
    private static final String FORBIDDEN = "/=,'\"";

    /**
     * Why a value cannot name a partition, or null when it can. The one rule of every sink: a value
     * is unusable when it is empty, only whitespace, starts or ends with whitespace (nothing is
     * trimmed), or contains {@code / = , ' "} or a control character. The reason reads after the
     * column, e.g. {@code has the value ' x', which cannot name a partition (leading or trailing
     * whitespace)}; control characters are shown as {@code \}{@code u000a}.
     */
    public static String valueProblem(String value) {
        if (value.isEmpty()) {
            return "is empty";
        }
        boolean allSpace = true;
        for (int i = 0; i < value.length() && allSpace; i++) {
            allSpace = isSpace(value.charAt(i));
        }
        if (allSpace) {
            return unusable(value, "only whitespace");
        }
        if (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1))) {
            return unusable(value, "leading or trailing whitespace");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || FORBIDDEN.indexOf(c) >= 0) {
                return unusable(value, "no / = , quotes or control characters");
            }
        }
        return null;
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String unusable(String value, String why) {
        StringBuilder b = new StringBuilder("has the value '");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append("', which cannot name a partition (").append(why).append(')').toString();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Key to value, in spec order; keys are lower case. */
    public Map<String, String> values() {
        return values;
    }

    public String get(String key) {
        return values.get(key.toLowerCase(Locale.ROOT));
    }

    public List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    /**
     * Checks that this spec names exactly the table's partition keys, in order.
     *
     * @throws IllegalArgumentException naming the table's keys when it does not
     */
    public void validateAgainst(TableSchema schema, String tableName) {
        List<String> expected = new ArrayList<>();
        for (Column c : schema.partitionKeys()) {
            expected.add(c.name().toLowerCase(Locale.ROOT));
        }
        if (!expected.equals(keys())) {
            if (expected.isEmpty()) {
                throw new IllegalArgumentException(
                        "Table "
                                + tableName
                                + " is not partitioned, but partition '"
                                + this
                                + "' was given");
            }
            throw new IllegalArgumentException(
                    "Partition spec '"
                            + this
                            + "' does not match the partition keys of table "
                            + tableName
                            + ": expected "
                            + expected);
        }
    }

    /**
     * The SQL form, keys backticked and values quoted as string literals by {@link SqlLiterals},
     * e.g. {@code `ds`='20240101',`hh`='08'}.
     */
    public String toQuotedString() {
        return SqlLiterals.partitionSpec(this);
    }

    /** The tunnel form, e.g. {@code ds=20240101,hh=08}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionSpec other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
