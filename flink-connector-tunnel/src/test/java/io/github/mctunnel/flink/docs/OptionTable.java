package io.github.mctunnel.flink.docs;

import io.github.mctunnel.flink.table.MaxComputeConnectorOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.table.factories.Factory;
import org.apache.flink.util.TimeUtils;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a factory's options (required first, then optional, each in the factory's order) as a
 * Markdown table: key (with fallback keys), required, default, type and description, all taken from
 * the {@link ConfigOption} definitions, except the defaults of options whose default depends on the
 * sink mode ({@link MaxComputeConnectorOptions#defaultsPerMode}).
 */
final class OptionTable {

    private OptionTable() {}

    static String render(Factory factory) {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | required | default | type | description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (ConfigOption<?> option : factory.requiredOptions()) {
            row(sb, option, true);
        }
        for (ConfigOption<?> option : factory.optionalOptions()) {
            row(sb, option, false);
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, ConfigOption<?> option, boolean required) {
        StringBuilder key = new StringBuilder("`").append(option.key()).append('`');
        List<String> fallbacks = new ArrayList<>();
        for (FallbackKey fallback : option.fallbackKeys()) {
            fallbacks.add("`" + fallback.getKey() + "`");
        }
        if (!fallbacks.isEmpty()) {
            key.append(" (fallback: ").append(String.join(", ", fallbacks)).append(')');
        }
        sb.append("| ")
                .append(key)
                .append(" | ")
                .append(required ? "yes" : "no")
                .append(" | ")
                .append(cell(defaultValue(option)))
                .append(" | ")
                .append(type(option))
                .append(" | ")
                .append(cell(description(option)))
                .append(" |\n");
    }

    private static String defaultValue(ConfigOption<?> option) {
        Map<String, String> perMode = MaxComputeConnectorOptions.defaultsPerMode(option);
        if (!perMode.isEmpty()) {
            return perMode.entrySet().stream()
                    .map(e -> e.getKey() + ": `" + e.getValue() + "`")
                    .collect(Collectors.joining("; "));
        }
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        if (value instanceof Duration) {
            return "`" + TimeUtils.formatWithHighestUnit((Duration) value) + "`";
        }
        return "`" + value + "`";
    }

    private static String type(ConfigOption<?> option) {
        Class<?> clazz = optionClass(option);
        String name = clazz.isEnum() ? "Enum" : clazz.getSimpleName();
        return isList(option) ? "List&lt;" + name + "&gt;" : name;
    }

    private static String description(ConfigOption<?> option) {
        String text = new MarkdownFormatter().format(option.description()).trim();
        Class<?> clazz = optionClass(option);
        if (clazz.isEnum()) {
            String values =
                    Arrays.stream(clazz.getEnumConstants())
                            .map(c -> "`" + c + "`")
                            .collect(Collectors.joining(", "));
            if (!text.isEmpty() && !text.endsWith(".")) {
                text = text + ".";
            }
            text = text + (text.isEmpty() ? "" : " ") + "Possible values: " + values + ".";
        }
        return text;
    }

    /** A table cell: no line breaks, {@code |} escaped. */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }

    private static Class<?> optionClass(ConfigOption<?> option) {
        return (Class<?>) invoke(option, "getClazz");
    }

    private static boolean isList(ConfigOption<?> option) {
        return (Boolean) invoke(option, "isList");
    }

    /** {@code getClazz()} and {@code isList()} are package-private in Flink's ConfigOption. */
    private static Object invoke(ConfigOption<?> option, String method) {
        try {
            Method m = ConfigOption.class.getDeclaredMethod(method);
            m.setAccessible(true);
            return m.invoke(option);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ConfigOption." + method + "() unavailable", e);
        }
    }

    /** Formats Flink's rich option descriptions as Markdown inline text. */
    private static final class MarkdownFormatter extends Formatter {

        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append('[').append(description).append("](").append(link).append(')');
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append("<br>");
        }

        @Override
        protected void formatText(
                StringBuilder state,
                String format,
                String[] elements,
                EnumSet<org.apache.flink.configuration.description.TextElement.TextStyle> styles) {
            boolean code =
                    styles.contains(
                            org.apache.flink.configuration.description.TextElement.TextStyle.CODE);
            String text = String.format(format, (Object[]) elements);
            state.append(code ? "`" + text + "`" : escapeHtml(text));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            for (String entry : entries) {
                state.append("<br>• ").append(entry);
            }
        }

        @Override
        protected Formatter newInstance() {
            return new MarkdownFormatter();
        }

        private static String escapeHtml(String text) {
            return text.replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
