package io.github.mctunnel.emulator.sql;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.catalog.TableDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the DDL subset the emulator supports: {@code CREATE TABLE [IF NOT EXISTS]} (every column
 * type, NOT NULL, comments, PRIMARY KEY, PARTITIONED BY, TBLPROPERTIES, LIFECYCLE), {@code DROP
 * TABLE [IF EXISTS]}, {@code ALTER TABLE .. ADD|DROP [IF [NOT] EXISTS] PARTITION (..)}, {@code
 * TRUNCATE TABLE} and {@code SET}. Statements are separated by {@code ;}.
 */
public final class SqlParser {

    private static final String BUCKET_PROPERTY = "write.bucket.num";

    /** Deepest nesting of ARRAY, MAP and STRUCT in a column type (deeper types are refused). */
    public static final int MAX_TYPE_DEPTH = 64;

    private final String sql;
    private final String defaultProject;
    private final List<SqlToken> tokens;
    private int pos;

    private SqlParser(String sql, String defaultProject) {
        this.sql = sql;
        this.defaultProject = defaultProject;
        this.tokens = SqlTokenizer.tokenize(sql);
    }

    /**
     * Parses a script.
     *
     * @param defaultProject project of unqualified table names
     * @throws SqlException naming what is wrong and where
     */
    public static List<SqlStatement> parse(String sql, String defaultProject) {
        try {
            return parseScript(sql, defaultProject);
        } catch (SqlException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // A parser defect must not become an internal error of the service: the statement
            // fails.
            throw new SqlException(
                    "Cannot parse the SQL text: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static List<SqlStatement> parseScript(String sql, String defaultProject) {
        SqlParser p = new SqlParser(sql, defaultProject);
        List<SqlStatement> out = new ArrayList<>();
        while (true) {
            while (p.peek().isSymbol(';')) {
                p.pos++;
            }
            if (p.peek().kind() == SqlToken.Kind.END) {
                break;
            }
            out.add(p.statement());
            if (!p.peek().isSymbol(';') && p.peek().kind() != SqlToken.Kind.END) {
                throw p.error("expected ';' or end of statement");
            }
        }
        if (out.isEmpty()) {
            throw new SqlException("The SQL text contains no statement.");
        }
        return out;
    }

    private SqlStatement statement() {
        SqlToken first = peek();
        if (accept("CREATE")) {
            if (accept("EXTERNAL") || accept("VIEW") || accept("MATERIALIZED")) {
                throw unsupported(first);
            }
            expect("TABLE");
            return createTable();
        }
        if (accept("DROP")) {
            expect("TABLE");
            boolean ifExists = acceptAll("IF", "EXISTS");
            return new SqlStatement.DropTable(tableName(), ifExists);
        }
        if (accept("ALTER")) {
            expect("TABLE");
            TableIdentifier table = tableName();
            if (accept("ADD")) {
                boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
                List<PartitionSpec> specs = new ArrayList<>();
                do {
                    expect("PARTITION");
                    specs.add(partitionSpec());
                } while (peek().isKeyword("PARTITION"));
                return new SqlStatement.AddPartitions(table, ifNotExists, specs);
            }
            if (accept("DROP")) {
                boolean ifExists = acceptAll("IF", "EXISTS");
                List<PartitionSpec> specs = new ArrayList<>();
                do {
                    expect("PARTITION");
                    specs.add(partitionSpec());
                } while (acceptSymbol(',') || peek().isKeyword("PARTITION"));
                return new SqlStatement.DropPartitions(table, ifExists, specs);
            }
            throw unsupported(first);
        }
        if (accept("TRUNCATE")) {
            expect("TABLE");
            TableIdentifier table = tableName();
            List<PartitionSpec> specs = new ArrayList<>();
            while (accept("PARTITION")) {
                specs.add(partitionSpec());
                acceptSymbol(',');
            }
            return new SqlStatement.Truncate(table, specs);
        }
        if (accept("SET")) {
            if (peek().isSymbol(';') || peek().kind() == SqlToken.Kind.END) {
                throw error("expected a setting (SET key=value)");
            }
            int start = peek().start();
            while (!peek().isSymbol(';') && peek().kind() != SqlToken.Kind.END) {
                pos++;
            }
            String text = sql.substring(start, tokens.get(pos - 1).end()).trim();
            int eq = text.indexOf('=');
            return eq < 0
                    ? new SqlStatement.Set(text, "")
                    : new SqlStatement.Set(
                            text.substring(0, eq).trim(), text.substring(eq + 1).trim());
        }
        throw unsupported(first);
    }

    private SqlStatement createTable() {
        boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
        TableIdentifier id = tableName();
        if (peek().isKeyword("LIKE") || peek().isKeyword("AS")) {
            throw new SqlException(
                    "CREATE TABLE .. "
                            + peek().text().toUpperCase(Locale.ROOT)
                            + " is not supported by the emulator; declare the columns explicitly.");
        }
        expectSymbol('(');
        List<Column> columns = new ArrayList<>();
        List<String> primaryKey = new ArrayList<>();
        do {
            if (peek().isKeyword("PRIMARY")) {
                pos++;
                expect("KEY");
                primaryKey.addAll(nameList());
            } else if (peek().isKeyword("CONSTRAINT")) {
                pos++;
                name();
                expect("PRIMARY");
                expect("KEY");
                primaryKey.addAll(nameList());
            } else {
                columns.add(columnDefinition(primaryKey));
            }
        } while (acceptSymbol(','));
        expectSymbol(')');
        String comment = "";
        List<Column> partitionKeys = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        long lifecycle = -1;
        while (peek().kind() == SqlToken.Kind.WORD) {
            if (accept("COMMENT")) {
                comment = string();
            } else if (accept("PARTITIONED")) {
                expect("BY");
                expectSymbol('(');
                do {
                    partitionKeys.add(columnDefinition(null));
                } while (acceptSymbol(','));
                expectSymbol(')');
            } else if (accept("TBLPROPERTIES")) {
                expectSymbol('(');
                do {
                    String k = string();
                    expectSymbol('=');
                    properties.put(k, string());
                } while (acceptSymbol(','));
                expectSymbol(')');
            } else if (accept("LIFECYCLE")) {
                lifecycle = number();
            } else if (peek().isKeyword("STORED")) {
                pos++;
                expect("AS");
                name();
            } else {
                throw error("unexpected '" + peek().text() + "' in CREATE TABLE");
            }
        }
        boolean transactional = "true".equalsIgnoreCase(properties.get("transactional"));
        int buckets = 0;
        if (transactional && !primaryKey.isEmpty()) {
            buckets = TableDefinition.DEFAULT_BUCKET_COUNT;
            String b = properties.get(BUCKET_PROPERTY);
            if (b != null) {
                try {
                    buckets = Integer.parseInt(b.trim());
                } catch (NumberFormatException e) {
                    buckets = -1;
                }
                if (buckets < 1) {
                    throw new SqlException(
                            "Invalid "
                                    + BUCKET_PROPERTY
                                    + " '"
                                    + b
                                    + "': expected a positive number of buckets.");
                }
            }
        }
        try {
            TableSchema schema = new TableSchema(columns, partitionKeys);
            return new SqlStatement.CreateTable(
                    new TableDefinition(
                            id,
                            schema,
                            comment,
                            primaryKey,
                            transactional,
                            buckets,
                            properties,
                            lifecycle),
                    ifNotExists);
        } catch (IllegalArgumentException e) {
            throw new SqlException("Invalid CREATE TABLE " + id + ": " + e.getMessage());
        }
    }

    /** {@code name type [NOT NULL | NULL | COMMENT 'x' | DEFAULT v | PRIMARY KEY]*}. */
    private Column columnDefinition(List<String> primaryKey) {
        String name = name().toLowerCase(Locale.ROOT);
        TypeInfo type = type();
        boolean nullable = true;
        String comment = "";
        while (true) {
            if (accept("NOT")) {
                expect("NULL");
                nullable = false;
            } else if (accept("NULL")) {
                nullable = true;
            } else if (accept("COMMENT")) {
                comment = string();
            } else if (accept("DEFAULT")) {
                if (peek().kind() == SqlToken.Kind.END || peek().isSymbol(';')) {
                    throw error("expected a default value");
                }
                pos++;
            } else if (primaryKey != null && peek().isKeyword("PRIMARY")) {
                pos++;
                expect("KEY");
                primaryKey.add(name);
                nullable = false;
            } else {
                break;
            }
        }
        return new Column(name, type, nullable, comment, null);
    }

    /** The type text up to the next top-level ',' ')' or column option, parsed by TypeInfo. */
    private TypeInfo type() {
        SqlToken first = peek();
        int depth = 0;
        int angleDepth = 0;
        SqlToken last = null;
        while (true) {
            SqlToken t = peek();
            if (t.kind() == SqlToken.Kind.END || t.isSymbol(';')) {
                break;
            }
            if (depth == 0
                    && (t.isSymbol(',')
                            || t.isSymbol(')')
                            || t.isKeyword("COMMENT")
                            || t.isKeyword("NOT")
                            || t.isKeyword("NULL")
                            || t.isKeyword("DEFAULT")
                            || t.isKeyword("PRIMARY"))) {
                break;
            }
            if (t.isSymbol('<') || t.isSymbol('(')) {
                depth++;
                if (t.isSymbol('<') && ++angleDepth > MAX_TYPE_DEPTH) {
                    throw error(
                            "a column type nests more than "
                                    + MAX_TYPE_DEPTH
                                    + " levels of ARRAY, MAP or STRUCT");
                }
            } else if (t.isSymbol('>') || t.isSymbol(')')) {
                depth--;
                if (t.isSymbol('>')) {
                    angleDepth--;
                }
            }
            last = t;
            pos++;
        }
        if (last == null) {
            throw error("expected a column type");
        }
        String text = sql.substring(first.start(), last.end());
        try {
            return TypeInfo.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SqlException(
                    e.getMessage() + " (" + SqlTokenizer.position(sql, first.start()) + ")");
        }
    }

    private PartitionSpec partitionSpec() {
        expectSymbol('(');
        Map<String, String> values = new LinkedHashMap<>();
        do {
            String key = name().toLowerCase(Locale.ROOT);
            expectSymbol('=');
            SqlToken v = peek();
            String value;
            if (v.kind() == SqlToken.Kind.STRING || v.kind() == SqlToken.Kind.WORD) {
                value = v.text();
                pos++;
            } else if (v.isSymbol('-') && tokens.get(pos + 1).kind() == SqlToken.Kind.WORD) {
                value = "-" + tokens.get(pos + 1).text();
                pos += 2;
            } else {
                throw error("expected a partition value");
            }
            if (values.put(key, value) != null) {
                throw error("partition key " + key + " given twice");
            }
        } while (acceptSymbol(','));
        expectSymbol(')');
        try {
            return PartitionSpec.of(values);
        } catch (IllegalArgumentException e) {
            throw new SqlException("Invalid partition spec: " + e.getMessage());
        }
    }

    private TableIdentifier tableName() {
        List<String> parts = new ArrayList<>();
        parts.add(name());
        while (acceptSymbol('.')) {
            parts.add(name());
        }
        return switch (parts.size()) {
            case 1 -> new TableIdentifier(defaultProject, null, lower(parts.get(0)));
            case 2 -> new TableIdentifier(parts.get(0), null, lower(parts.get(1)));
            case 3 -> new TableIdentifier(parts.get(0), lower(parts.get(1)), lower(parts.get(2)));
            default -> throw error("a table name has at most three parts: project.schema.table");
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private List<String> nameList() {
        expectSymbol('(');
        List<String> names = new ArrayList<>();
        do {
            names.add(name().toLowerCase(Locale.ROOT));
        } while (acceptSymbol(','));
        expectSymbol(')');
        return names;
    }

    private String name() {
        SqlToken t = peek();
        if (!t.isName()) {
            throw error("expected a name");
        }
        pos++;
        return t.text();
    }

    private String string() {
        SqlToken t = peek();
        if (t.kind() != SqlToken.Kind.STRING) {
            throw error("expected a quoted string");
        }
        pos++;
        return t.text();
    }

    private long number() {
        SqlToken t = peek();
        try {
            long v = Long.parseLong(t.text());
            pos++;
            return v;
        } catch (NumberFormatException e) {
            throw error("expected a number");
        }
    }

    private SqlToken peek() {
        // Never past the END token, whatever a caller skipped.
        return tokens.get(Math.min(pos, tokens.size() - 1));
    }

    private boolean accept(String keyword) {
        if (peek().isKeyword(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    /** Accepts a keyword sequence, all or nothing. */
    private boolean acceptAll(String... keywords) {
        for (int i = 0; i < keywords.length; i++) {
            if (!tokens.get(Math.min(pos + i, tokens.size() - 1)).isKeyword(keywords[i])) {
                return false;
            }
        }
        pos += keywords.length;
        return true;
    }

    private void expect(String keyword) {
        if (!accept(keyword)) {
            throw error("expected " + keyword);
        }
    }

    private boolean acceptSymbol(char c) {
        if (peek().isSymbol(c)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expectSymbol(char c) {
        if (!acceptSymbol(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private SqlException error(String what) {
        SqlToken t = peek();
        String found = t.kind() == SqlToken.Kind.END ? "end of statement" : "'" + t.text() + "'";
        return new SqlException(
                "Parse error at "
                        + SqlTokenizer.position(sql, t.start())
                        + ": "
                        + what
                        + ", found "
                        + found
                        + ".");
    }

    private SqlException unsupported(SqlToken first) {
        int end = first.start();
        while (end < sql.length() && sql.charAt(end) != ';' && sql.charAt(end) != '\n') {
            end++;
        }
        String head = sql.substring(first.start(), Math.min(end, first.start() + 60)).trim();
        return new SqlException(
                "Unsupported statement '"
                        + head
                        + "': the emulator runs CREATE TABLE, DROP TABLE, ALTER TABLE ADD/DROP"
                        + " PARTITION, TRUNCATE TABLE and SET only.");
    }
}
