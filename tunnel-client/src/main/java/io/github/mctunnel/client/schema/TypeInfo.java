package io.github.mctunnel.client.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A MaxCompute type with its parameters: length of CHAR/VARCHAR, precision and scale of DECIMAL,
 * element type of ARRAY, key and value types of MAP, fields of STRUCT. Immutable; {@link
 * #toString()} gives the service's spelling ({@code decimal(38,18)}, {@code
 * map<string,array<bigint>>}, {@code struct<a:bigint,b:string>}) and {@link #parse(String)} reads
 * it back, case-insensitively.
 */
public final class TypeInfo {

    /** DECIMAL without parameters in ODPS 2.0 means decimal(38,18). */
    public static final int DEFAULT_DECIMAL_PRECISION = 38;

    public static final int DEFAULT_DECIMAL_SCALE = 18;

    private static final TypeInfo[] PRIMITIVES = new TypeInfo[OdpsType.values().length];

    static {
        for (OdpsType t : OdpsType.values()) {
            if (!t.isNested()
                    && t != OdpsType.DECIMAL
                    && t != OdpsType.VARCHAR
                    && t != OdpsType.CHAR) {
                PRIMITIVES[t.ordinal()] = new TypeInfo(t, -1, -1, -1, null, null, null);
            }
        }
    }

    /** A STRUCT field. */
    public record Field(String name, TypeInfo type) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    private final OdpsType type;
    private final int length;
    private final int precision;
    private final int scale;
    private final TypeInfo elementType;
    private final TypeInfo valueType;
    private final List<Field> fields;

    private TypeInfo(
            OdpsType type,
            int length,
            int precision,
            int scale,
            TypeInfo elementOrKey,
            TypeInfo valueType,
            List<Field> fields) {
        this.type = type;
        this.length = length;
        this.precision = precision;
        this.scale = scale;
        this.elementType = elementOrKey;
        this.valueType = valueType;
        this.fields = fields;
    }

    /** A type without parameters (every type except CHAR, VARCHAR, DECIMAL and nested types). */
    public static TypeInfo of(OdpsType type) {
        TypeInfo t = PRIMITIVES[type.ordinal()];
        if (t == null) {
            if (type == OdpsType.DECIMAL) {
                return decimal(DEFAULT_DECIMAL_PRECISION, DEFAULT_DECIMAL_SCALE);
            }
            throw new IllegalArgumentException(type.typeName() + " needs parameters");
        }
        return t;
    }

    public static TypeInfo varchar(int length) {
        checkArgument(
                length >= 1 && length <= 65535, "varchar length must be in [1, 65535]: " + length);
        return new TypeInfo(OdpsType.VARCHAR, length, -1, -1, null, null, null);
    }

    public static TypeInfo charOf(int length) {
        checkArgument(length >= 1 && length <= 255, "char length must be in [1, 255]: " + length);
        return new TypeInfo(OdpsType.CHAR, length, -1, -1, null, null, null);
    }

    public static TypeInfo decimal(int precision, int scale) {
        checkArgument(
                precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision,
                "decimal("
                        + precision
                        + ","
                        + scale
                        + ") is not valid: need 1 <= precision <= 38 and 0 <= scale <= precision");
        return new TypeInfo(OdpsType.DECIMAL, -1, precision, scale, null, null, null);
    }

    public static TypeInfo array(TypeInfo element) {
        return new TypeInfo(
                OdpsType.ARRAY, -1, -1, -1, Objects.requireNonNull(element), null, null);
    }

    public static TypeInfo map(TypeInfo key, TypeInfo value) {
        return new TypeInfo(
                OdpsType.MAP,
                -1,
                -1,
                -1,
                Objects.requireNonNull(key),
                Objects.requireNonNull(value),
                null);
    }

    public static TypeInfo struct(List<Field> fields) {
        checkArgument(!fields.isEmpty(), "struct needs at least one field");
        return new TypeInfo(OdpsType.STRUCT, -1, -1, -1, null, null, List.copyOf(fields));
    }

    public OdpsType type() {
        return type;
    }

    /** Declared length of CHAR/VARCHAR, -1 otherwise. */
    public int length() {
        return length;
    }

    public int precision() {
        return precision;
    }

    public int scale() {
        return scale;
    }

    /** Element type of an ARRAY. */
    public TypeInfo elementType() {
        requireType(OdpsType.ARRAY);
        return elementType;
    }

    public TypeInfo keyType() {
        requireType(OdpsType.MAP);
        return elementType;
    }

    public TypeInfo valueType() {
        requireType(OdpsType.MAP);
        return valueType;
    }

    public List<Field> fields() {
        requireType(OdpsType.STRUCT);
        return fields;
    }

    private void requireType(OdpsType expected) {
        if (type != expected) {
            throw new IllegalStateException(this + " is not " + expected.typeName());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    private void appendTo(StringBuilder sb) {
        switch (type) {
            case VARCHAR, CHAR -> sb.append(type.typeName()).append('(').append(length).append(')');
            case DECIMAL ->
                    sb.append("decimal(").append(precision).append(',').append(scale).append(')');
            case ARRAY -> {
                sb.append("array<");
                elementType.appendTo(sb);
                sb.append('>');
            }
            case MAP -> {
                sb.append("map<");
                elementType.appendTo(sb);
                sb.append(',');
                valueType.appendTo(sb);
                sb.append('>');
            }
            case STRUCT -> {
                sb.append("struct<");
                for (int i = 0; i < fields.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendFieldName(sb, fields.get(i).name());
                    sb.append(':');
                    fields.get(i).type().appendTo(sb);
                }
                sb.append('>');
            }
            default -> sb.append(type.typeName());
        }
    }

    /** Struct field names that are not plain identifiers are back-quoted, so they parse again. */
    private static void appendFieldName(StringBuilder sb, String name) {
        boolean plain = !name.isEmpty();
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = Character.isLetterOrDigit(c) || c == '_';
        }
        if (plain) {
            sb.append(name);
        } else {
            sb.append('`').append(name.replace("`", "``")).append('`');
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TypeInfo other)) {
            return false;
        }
        return type == other.type
                && length == other.length
                && precision == other.precision
                && scale == other.scale
                && Objects.equals(elementType, other.elementType)
                && Objects.equals(valueType, other.valueType)
                && Objects.equals(fields, other.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, length, precision, scale, elementType, valueType, fields);
    }

    /**
     * Parses a type string as the service and DDL spell it. Case-insensitive; whitespace is
     * ignored; struct field names keep their case (the SDK upper-cases them, the service does not).
     *
     * @throws IllegalArgumentException naming the position when the string is not a valid type
     */
    public static TypeInfo parse(String text) {
        Objects.requireNonNull(text, "type string");
        Parser p = new Parser(text);
        TypeInfo t = p.parseType();
        p.skipSpaces();
        if (!p.atEnd()) {
            throw p.error("unexpected trailing input");
        }
        return t;
    }

    private static void checkArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    "Invalid MaxCompute type '" + s + "' at position " + pos + ": " + what);
        }

        String word() {
            skipSpaces();
            int start = pos;
            while (pos < s.length()
                    && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a name");
            }
            return s.substring(start, pos);
        }

        /** A struct field name: a word or a `backquoted` name. */
        String fieldName() {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '`') {
                StringBuilder name = new StringBuilder();
                int i = pos + 1;
                while (true) {
                    int end = s.indexOf('`', i);
                    if (end < 0) {
                        throw error("unterminated `");
                    }
                    name.append(s, i, end);
                    if (end + 1 < s.length() && s.charAt(end + 1) == '`') {
                        name.append('`');
                        i = end + 2;
                    } else {
                        pos = end + 1;
                        return name.toString();
                    }
                }
            }
            return word();
        }

        boolean accept(char c) {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!accept(c)) {
                throw error("expected '" + c + "'");
            }
        }

        int number() {
            skipSpaces();
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a number");
            }
            try {
                return Integer.parseInt(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("number too large");
            }
        }

        TypeInfo parseType() {
            String name = word().toUpperCase(Locale.ROOT);
            try {
                switch (name) {
                    case "INTEGER":
                        return of(OdpsType.INT);
                    case "VARCHAR":
                        {
                            expect('(');
                            int n = number();
                            expect(')');
                            return varchar(n);
                        }
                    case "CHAR":
                        {
                            expect('(');
                            int n = number();
                            expect(')');
                            return charOf(n);
                        }
                    case "DECIMAL":
                        {
                            if (!accept('(')) {
                                return of(OdpsType.DECIMAL);
                            }
                            int precision = number();
                            int scale = 0;
                            if (accept(',')) {
                                scale = number();
                            }
                            expect(')');
                            return decimal(precision, scale);
                        }
                    case "ARRAY":
                        {
                            expect('<');
                            TypeInfo e = parseType();
                            expect('>');
                            return array(e);
                        }
                    case "MAP":
                        {
                            expect('<');
                            TypeInfo k = parseType();
                            expect(',');
                            TypeInfo v = parseType();
                            expect('>');
                            return map(k, v);
                        }
                    case "STRUCT":
                        {
                            expect('<');
                            List<Field> fields = new ArrayList<>();
                            do {
                                String fieldName = fieldName();
                                expect(':');
                                fields.add(new Field(fieldName, parseType()));
                                skipComment();
                            } while (accept(','));
                            expect('>');
                            return struct(fields);
                        }
                    default:
                        OdpsType t;
                        try {
                            t = OdpsType.valueOf(name);
                        } catch (IllegalArgumentException e) {
                            throw error("unknown type " + name.toLowerCase(Locale.ROOT));
                        }
                        return of(t);
                }
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null
                        && e.getMessage().startsWith("Invalid MaxCompute type")) {
                    throw e;
                }
                throw error(e.getMessage());
            }
        }

        /** DDL allows {@code struct<a:bigint COMMENT 'x'>}; the comment is dropped. */
        private void skipComment() {
            skipSpaces();
            if (s.regionMatches(true, pos, "comment", 0, 7)) {
                pos += 7;
                skipSpaces();
                if (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"')) {
                    char q = s.charAt(pos);
                    int end = s.indexOf(q, pos + 1);
                    if (end < 0) {
                        throw error("unterminated comment");
                    }
                    pos = end + 1;
                }
            }
        }
    }
}
