package io.github.mctunnel.emulator.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Parses the emulator's fault command-line flags into a {@link FaultPlan}. Every spec is one string
 * of space-separated fields that starts with a request selector {@code METHOD PATH[?param]}: {@code
 * METHOD} is an HTTP method or {@code *}; {@code PATH} is a substring of the request path (meta
 * paths start with {@code /api}) or {@code *}; {@code ?param} additionally requires that query
 * parameter (e.g. {@code /tables/t?blockid}). Then how many requests: {@code xN} (the next N
 * matching requests) or, for {@code --fail} only, {@code p=P} (each matching request with
 * probability P, drawn from the {@code --fault-seed} generator).
 *
 * <ul>
 *   <li>{@code --fail 'METHOD PATH[?param] xN|p=P STATUS CODE [retry-after=SECONDS]'}
 *   <li>{@code --reset 'METHOD PATH[?param] xN after=BYTES'} (connection reset after reading BYTES
 *       of the request body)
 *   <li>{@code --drop-response 'METHOD PATH[?param] xN after=BYTES'} (response cut after BYTES of
 *       its body)
 *   <li>{@code --delay 'METHOD PATH[?param] xN DURATION'} (e.g. {@code 500ms}, {@code 2s})
 * </ul>
 *
 * <p>Rules apply in the order given, whatever the position of {@code --fault-seed}. Each method
 * throws {@link IllegalArgumentException} with a message naming the flag, the spec and the expected
 * form.
 */
public final class FaultFlags {

    /** Expected form of a {@code --fail} spec. */
    public static final String FAIL_FORM =
            "METHOD PATH[?param] xCOUNT|p=PROBABILITY STATUS CODE [retry-after=SECONDS]";

    /** Expected form of a {@code --reset} or {@code --drop-response} spec. */
    public static final String AFTER_BYTES_FORM = "METHOD PATH[?param] xCOUNT after=BYTES";

    /** Expected form of a {@code --delay} spec. */
    public static final String DELAY_FORM = "METHOD PATH[?param] xCOUNT DURATION";

    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "HEAD");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9.]*");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private long seed;
    private final List<Consumer<FaultPlan>> rules = new ArrayList<>();

    /** {@code --fault-seed N}: seed of the generator of probabilistic rules (default 0). */
    public void seed(String value) {
        try {
            seed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--fault-seed needs a whole number, got '" + value + "'");
        }
    }

    /** {@code --fail SPEC}; see {@link #FAIL_FORM}. */
    public void fail(String spec) {
        Spec s = new Spec("--fail", spec, FAIL_FORM);
        String[] f = s.fields;
        if (f.length != 5 && f.length != 6) {
            throw s.invalid("expected 5 or 6 fields, got " + f.length);
        }
        RequestMatcher matcher = s.matcher();
        int status = s.status(f[3]);
        String code = f[4];
        if (!ERROR_CODE.matcher(code).matches()) {
            throw s.invalid(
                    "CODE must be an error code such as ServiceUnavailable, got '" + code + "'");
        }
        Integer retryAfter = null;
        if (f.length == 6) {
            retryAfter = (int) s.keyedNumber(f[5], "retry-after", Integer.MAX_VALUE);
        }
        if (f[2].startsWith("p=")) {
            if (retryAfter != null) {
                throw s.invalid("retry-after is only supported with a count (xN)");
            }
            double p = s.probability(f[2]);
            rules.add(plan -> plan.failRandomly(matcher, p, status, code));
            return;
        }
        int count = s.count(f[2]);
        Integer retry = retryAfter;
        rules.add(
                plan -> {
                    if (retry == null) {
                        plan.failNext(count, matcher, status, code);
                    } else {
                        plan.failNext(count, matcher, status, code, retry);
                    }
                });
    }

    /** {@code --reset SPEC}; see {@link #AFTER_BYTES_FORM}. */
    public void reset(String spec) {
        Spec s = new Spec("--reset", spec, AFTER_BYTES_FORM);
        s.requireFields(4);
        RequestMatcher matcher = s.matcher();
        int count = s.count(s.fields[2]);
        long after = s.keyedNumber(s.fields[3], "after", Long.MAX_VALUE);
        rules.add(plan -> plan.resetNext(count, matcher, after));
    }

    /** {@code --drop-response SPEC}; see {@link #AFTER_BYTES_FORM}. */
    public void dropResponse(String spec) {
        Spec s = new Spec("--drop-response", spec, AFTER_BYTES_FORM);
        s.requireFields(4);
        RequestMatcher matcher = s.matcher();
        int count = s.count(s.fields[2]);
        long after = s.keyedNumber(s.fields[3], "after", Long.MAX_VALUE);
        rules.add(plan -> plan.dropResponseNext(count, matcher, after));
    }

    /** {@code --delay SPEC}; see {@link #DELAY_FORM}. */
    public void delay(String spec) {
        Spec s = new Spec("--delay", spec, DELAY_FORM);
        s.requireFields(4);
        RequestMatcher matcher = s.matcher();
        int count = s.count(s.fields[2]);
        Duration delay;
        try {
            delay = duration(s.fields[3]);
        } catch (IllegalArgumentException e) {
            throw s.invalid(e.getMessage());
        }
        rules.add(plan -> plan.delayNext(count, matcher, delay));
    }

    /** Whether no fault rule was given (a seed alone does not count). */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** A new plan seeded with {@code --fault-seed}, holding every rule in the order given. */
    public FaultPlan toPlan() {
        FaultPlan plan = FaultPlan.seeded(seed);
        for (Consumer<FaultPlan> rule : rules) {
            rule.accept(plan);
        }
        return plan;
    }

    /**
     * Parses a positive duration written as a number with a unit: {@code ms}, {@code s}, {@code m},
     * {@code h} (e.g. {@code 500ms}, {@code 30s}, {@code 10m}).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int unitAt = 0;
        while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
            unitAt++;
        }
        String unit = t.substring(unitAt);
        long n;
        try {
            n = unitAt == 0 ? -1 : Long.parseLong(t.substring(0, unitAt));
        } catch (NumberFormatException e) {
            n = -1;
        }
        Duration d =
                n < 0
                        ? null
                        : switch (unit) {
                            case "ms" -> Duration.ofMillis(n);
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            case "h" -> Duration.ofHours(n);
                            default -> null;
                        };
        if (d == null || d.isZero()) {
            throw new IllegalArgumentException(
                    "a duration must be a positive number with a unit ms, s, m or h (e.g. 500ms,"
                            + " 30s), got '"
                            + text
                            + "'");
        }
        return d;
    }

    /** One spec being parsed, for error messages that quote it. */
    private static final class Spec {
        final String flag;
        final String text;
        final String form;
        final String[] fields;

        Spec(String flag, String text, String form) {
            this.flag = flag;
            this.text = text;
            this.form = form;
            String trimmed = text.trim();
            this.fields = trimmed.isEmpty() ? new String[0] : SPACES.split(trimmed);
        }

        IllegalArgumentException invalid(String problem) {
            return new IllegalArgumentException(
                    flag + " '" + text + "': " + problem + "; expected '" + form + "'");
        }

        void requireFields(int n) {
            if (fields.length != n) {
                throw invalid("expected " + n + " fields, got " + fields.length);
            }
        }

        RequestMatcher matcher() {
            String method = fields[0].toUpperCase(Locale.ROOT);
            if (!method.equals("*") && !METHODS.contains(method)) {
                throw invalid(
                        "METHOD must be GET, PUT, POST, DELETE, HEAD or *, got '"
                                + fields[0]
                                + "'");
            }
            String path = fields[1];
            String param = null;
            int q = path.indexOf('?');
            if (q >= 0) {
                param = path.substring(q + 1);
                path = path.substring(0, q);
                if (param.isEmpty() || param.contains("=") || param.contains("&")) {
                    throw invalid(
                            "'?' must be followed by one parameter name, got '" + fields[1] + "'");
                }
            }
            if (path.isEmpty()) {
                throw invalid("PATH must be a path substring or *, got '" + fields[1] + "'");
            }
            return new RequestMatcher(
                    method.equals("*") ? null : method, path.equals("*") ? null : path, param);
        }

        int count(String field) {
            if (field.startsWith("x")) {
                try {
                    int n = Integer.parseInt(field.substring(1));
                    if (n >= 1) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw invalid(
                    "COUNT must be x followed by a number >= 1 (e.g. x2), got '" + field + "'");
        }

        double probability(String field) {
            try {
                double p = Double.parseDouble(field.substring(2));
                if (p > 0 && p <= 1) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(
                    "PROBABILITY must be p= followed by a number in (0, 1], got '" + field + "'");
        }

        int status(String field) {
            try {
                int status = Integer.parseInt(field);
                if (status >= 400 && status <= 599) {
                    return status;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid("STATUS must be an HTTP error status 400..599, got '" + field + "'");
        }

        long keyedNumber(String field, String key, long max) {
            String prefix = key + "=";
            if (field.startsWith(prefix)) {
                try {
                    long n = Long.parseLong(field.substring(prefix.length()));
                    if (n >= 0 && n <= max) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw invalid("expected " + prefix + "N with N >= 0, got '" + field + "'");
        }
    }
}
