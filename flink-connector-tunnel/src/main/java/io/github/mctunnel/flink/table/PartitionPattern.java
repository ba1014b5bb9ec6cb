package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.source.PartitionFilter;

import org.apache.flink.table.api.ValidationException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The partitions a scan's {@code partition} option selects: alternatives separated by {@code ;},
 * each a partition spec ({@code ds=20261122,hh=08}) whose values may contain {@code *} (any
 * characters). A partition matches an alternative when every key the alternative names has a
 * matching value; keys it leaves out match anything.
 */
public final class PartitionPattern implements PartitionFilter {

    private static final long serialVersionUID = 1L;

    /** Per alternative: lower-case key to a regular expression over the value. */
    private final List<Map<String, String>> alternatives;

    private transient List<Map<String, Pattern>> compiled;

    private PartitionPattern(List<Map<String, String>> alternatives) {
        this.alternatives = alternatives;
    }

    /**
     * The pattern of the {@code partition} option.
     *
     * @throws ValidationException for an empty alternative or a key without a value
     */
    public static PartitionPattern parse(String text) {
        return parse(text, MaxComputeConnectorOptions.PARTITION.key());
    }

    /**
     * @param option the option the pattern comes from, named in errors
     * @throws ValidationException for an empty alternative or a key without a value
     */
    public static PartitionPattern parse(String text, String option) {
        List<Map<String, String>> alternatives = new ArrayList<>();
        for (String alternative : text.split(";")) {
            if (alternative.isBlank()) {
                continue;
            }
            Map<String, String> keys = new LinkedHashMap<>();
            for (String pair : alternative.split(",")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? "" : pair.substring(0, eq).trim();
                String value = eq < 0 ? "" : unquote(pair.substring(eq + 1).trim());
                if (key.isEmpty() || value.isEmpty()) {
                    throw new ValidationException(
                            "Option '"
                                    + option
                                    + "': '"
                                    + pair.trim()
                                    + "' in '"
                                    + text
                                    + "' is not key=value (partitions are separated by ';', keys"
                                    + " by ',', '*' matches any characters)");
                }
                keys.put(key.toLowerCase(Locale.ROOT), globToRegex(value));
            }
            alternatives.add(keys);
        }
        if (alternatives.isEmpty()) {
            throw new ValidationException(
                    "Option '" + option + "' names no partition: '" + text + "'");
        }
        return new PartitionPattern(List.copyOf(alternatives));
    }

    @Override
    public boolean test(PartitionSpec partition) {
        if (compiled == null) {
            List<Map<String, Pattern>> c = new ArrayList<>();
            for (Map<String, String> alternative : alternatives) {
                Map<String, Pattern> m = new LinkedHashMap<>();
                alternative.forEach((k, v) -> m.put(k, Pattern.compile(v)));
                c.add(m);
            }
            compiled = c;
        }
        Map<String, String> values = new LinkedHashMap<>();
        partition.values().forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
        for (Map<String, Pattern> alternative : compiled) {
            if (matches(alternative, values)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Map<String, Pattern> alternative, Map<String, String> values) {
        for (Map.Entry<String, Pattern> e : alternative.entrySet()) {
            String value = values.get(e.getKey());
            if (value == null || !e.getValue().matcher(value).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("'") && value.endsWith("'")
                        || value.startsWith("\"") && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) == '*') {
                if (i > start) {
                    regex.append(Pattern.quote(glob.substring(start, i)));
                }
                regex.append(".*");
                start = i + 1;
            }
        }
        if (start < glob.length()) {
            regex.append(Pattern.quote(glob.substring(start)));
        }
        return regex.toString();
    }

    @Override
    public String toString() {
        return "PartitionPattern" + alternatives;
    }
}
