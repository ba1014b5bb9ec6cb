package io.github.mctunnel.e2e.job;

import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import java.util.HashMap;
import java.util.Map;

/** The {@code --name value} program arguments of the example jobs. */
final class JobArguments {

    private final Map<String, String> values = new HashMap<>();

    JobArguments(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "expected --name value pairs, got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing argument --" + name);
        }
        return value;
    }

    long getLong(String name) {
        return Long.parseLong(get(name));
    }

    /** From {@code --endpoint --project --access-id --access-key-secret}. */
    TunnelConnectionOptions connection() {
        return TunnelConnectionOptions.builder()
                .endpoint(get("endpoint"))
                .project(get("project"))
                .accessKey(
                        get("access-id"),
                        values.containsKey("access-key") && !values.containsKey("access-key-secret")
                                ? get("access-key") // the earlier name
                                : get("access-key-secret"))
                .build();
    }
}
