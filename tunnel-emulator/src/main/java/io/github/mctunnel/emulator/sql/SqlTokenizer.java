package io.github.mctunnel.emulator.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens; comments ({@code --}, {@code /* *\/}) are skipped. In string
 * literals a backslash escapes the next character ({@code \\} is a backslash, {@code \'} a quote),
 * as the client's {@code SqlLiterals} writes them; in backticked names a doubled backtick is one.
 */
final class SqlTokenizer {

    private SqlTokenizer() {}

    static List<SqlToken> tokenize(String sql) {
        List<SqlToken> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    throw new SqlException("Unterminated comment at " + position(sql, i));
                }
                i = close + 2;
            } else if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int start = i++;
                boolean closed = false;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        sb.append(sql.charAt(i + 1));
                        i += 2;
                    } else if (d == c) {
                        i++;
                        closed = true;
                        break;
                    } else {
                        sb.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new SqlException(
                            "Unterminated string literal at " + position(sql, start));
                }
                tokens.add(new SqlToken(SqlToken.Kind.STRING, sb.toString(), start, i));
            } else if (c == '`') {
                // a quoted name; a doubled backtick inside stands for one backtick
                StringBuilder sb = new StringBuilder();
                int start = i++;
                boolean closed = false;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == '`' && i + 1 < n && sql.charAt(i + 1) == '`') {
                        sb.append('`');
                        i += 2;
                    } else if (d == '`') {
                        i++;
                        closed = true;
                        break;
                    } else {
                        sb.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new SqlException("Unterminated `name` at " + position(sql, start));
                }
                tokens.add(new SqlToken(SqlToken.Kind.QUOTED_NAME, sb.toString(), start, i));
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int start = i;
                while (i < n
                        && (Character.isLetterOrDigit(sql.charAt(i))
                                || sql.charAt(i) == '_'
                                || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new SqlToken(SqlToken.Kind.WORD, sql.substring(start, i), start, i));
            } else {
                tokens.add(new SqlToken(SqlToken.Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        tokens.add(new SqlToken(SqlToken.Kind.END, "", n, n));
        return tokens;
    }

    /** {@code line L, column C} (1-based) of an offset. */
    static String position(String sql, int offset) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < offset && i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col;
    }
}
