package io.github.mctunnel.emulator.sql;

import java.util.Locale;

/**
 * A lexical token of a SQL statement.
 *
 * @param text identifier/keyword/number text, unquoted string or back-quoted name, or the symbol
 * @param start offset of the first character in the statement
 * @param end offset after the last character
 */
record SqlToken(Kind kind, String text, int start, int end) {

    enum Kind {
        WORD,
        QUOTED_NAME,
        STRING,
        SYMBOL,
        END
    }

    boolean isKeyword(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
    }

    boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
    }

    String lower() {
        return text.toLowerCase(Locale.ROOT);
    }
}
