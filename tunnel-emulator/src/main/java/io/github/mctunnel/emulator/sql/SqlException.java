package io.github.mctunnel.emulator.sql;

/** A statement the emulator cannot parse or run; the message is shown to the SQL caller. */
public final class SqlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SqlException(String message) {
        super(message);
    }
}
