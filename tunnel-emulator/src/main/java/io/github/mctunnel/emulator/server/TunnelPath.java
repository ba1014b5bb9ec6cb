package io.github.mctunnel.emulator.server;

/**
 * A tunnel table path, {@code /projects/{p}/tables/{t}[/suffix]} or {@code
 * /projects/{p}/schemas/{s}/tables/{t}[/suffix]} (segments already decoded).
 *
 * @param schema namespace schema, or null
 * @param suffix {@code ""} or the sub-resource, e.g. {@code streams}, {@code upserts}
 */
public record TunnelPath(String project, String schema, String table, String suffix) {

    /** Parses a decoded path, or returns null when it is not a tunnel table path. */
    public static TunnelPath parse(String path) {
        String[] s = segments(path);
        if (s.length < 4 || !s[0].equals("projects") || s[1].isEmpty()) {
            return null;
        }
        int tableAt;
        String schema = null;
        if (s[2].equals("tables")) {
            tableAt = 3;
        } else if (s[2].equals("schemas") && s.length >= 6 && s[4].equals("tables")) {
            schema = s[3];
            tableAt = 5;
        } else {
            return null;
        }
        if (s[tableAt].isEmpty() || s.length > tableAt + 2) {
            return null;
        }
        String suffix = s.length == tableAt + 2 ? s[tableAt + 1] : "";
        return new TunnelPath(s[1], schema, s[tableAt], suffix);
    }

    /** Path segments without the leading slash; a trailing slash is ignored. */
    public static String[] segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
