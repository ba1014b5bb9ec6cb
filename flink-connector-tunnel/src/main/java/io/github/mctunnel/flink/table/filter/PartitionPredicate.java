package io.github.mctunnel.flink.table.filter;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.source.PartitionFilter;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/**
 * A condition on partition-key values pushed down from a SQL {@code WHERE} clause, evaluated on
 * each partition listed from the service (also on partitions a continuous scan discovers later). A
 * partition is read only when the condition is TRUE; SQL's three-valued logic applies (a comparison
 * with NULL is UNKNOWN). Partition values are never NULL, so {@code IS NULL} is FALSE and {@code IS
 * NOT NULL} TRUE. STRING keys compare by code point (as Flink compares strings), integer keys
 * numerically.
 */
public sealed interface PartitionPredicate extends PartitionFilter {

    /** TRUE, FALSE, or null for UNKNOWN. */
    Boolean evaluate(PartitionSpec partition);

    @Override
    default boolean test(PartitionSpec partition) {
        return Boolean.TRUE.equals(evaluate(partition));
    }

    /** The comparison operators. */
    enum Operator {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(int comparison) {
            return switch (this) {
                case EQ -> comparison == 0;
                case NE -> comparison != 0;
                case LT -> comparison < 0;
                case LE -> comparison <= 0;
                case GT -> comparison > 0;
                case GE -> comparison >= 0;
            };
        }

        /** The operator with its operands swapped: {@code 3 < x} is {@code x > 3}. */
        Operator swapped() {
            return switch (this) {
                case EQ, NE -> this;
                case LT -> GT;
                case LE -> GE;
                case GT -> LT;
                case GE -> LE;
            };
        }
    }

    /** A partition key and how its values compare. */
    record Key(String name, boolean numeric) implements Serializable {

        /** The key's value in a partition as a comparable: a String or a BigDecimal. */
        Comparable<?> valueIn(PartitionSpec partition) {
            String value = partition.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "Partition " + partition + " has no value for partition key " + name);
            }
            if (!numeric) {
                return value;
            }
            try {
                return new BigDecimal(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Partition "
                                + partition
                                + ": the value '"
                                + value
                                + "' of the numeric partition key "
                                + name
                                + " is not a number");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code key op literal}; a null literal makes it UNKNOWN. */
    record Comparison(Key key, Operator operator, Comparable<?> literal)
            implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            if (literal == null) {
                return null;
            }
            return operator.holds(compare(key.valueIn(partition), literal));
        }

        @Override
        public String toString() {
            return key + " " + operator.symbol + " " + quoted(literal);
        }
    }

    /** {@code key [NOT] IN (literals)}; NULL among the literals follows SQL. */
    record In(Key key, List<Comparable<?>> literals, boolean negated)
            implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        public In {
            literals = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(literals));
        }

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            Comparable<?> value = key.valueIn(partition);
            boolean sawNull = false;
            for (Comparable<?> literal : literals) {
                if (literal == null) {
                    sawNull = true;
                } else if (compare(value, literal) == 0) {
                    return !negated;
                }
            }
            return sawNull ? null : negated;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(key.toString());
            sb.append(negated ? " NOT IN (" : " IN (");
            for (int i = 0; i < literals.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(quoted(literals.get(i)));
            }
            return sb.append(')').toString();
        }
    }

    /** {@code key IS [NOT] NULL}: partition values are never NULL. */
    record IsNull(Key key, boolean negated) implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            return negated;
        }

        @Override
        public String toString() {
            return key + (negated ? " IS NOT NULL" : " IS NULL");
        }
    }

    /** Conjunction in three-valued logic. */
    record And(List<PartitionPredicate> operands) implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        public And {
            operands = List.copyOf(operands);
        }

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            boolean unknown = false;
            for (PartitionPredicate p : operands) {
                Boolean v = p.evaluate(partition);
                if (v == null) {
                    unknown = true;
                } else if (!v) {
                    return false;
                }
            }
            return unknown ? null : true;
        }

        @Override
        public String toString() {
            return join(operands, " AND ");
        }
    }

    /** Disjunction in three-valued logic. */
    record Or(List<PartitionPredicate> operands) implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        public Or {
            operands = List.copyOf(operands);
        }

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            boolean unknown = false;
            for (PartitionPredicate p : operands) {
                Boolean v = p.evaluate(partition);
                if (v == null) {
                    unknown = true;
                } else if (v) {
                    return true;
                }
            }
            return unknown ? null : false;
        }

        @Override
        public String toString() {
            return join(operands, " OR ");
        }
    }

    /** Negation in three-valued logic. */
    record Not(PartitionPredicate operand) implements PartitionPredicate {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean evaluate(PartitionSpec partition) {
            Boolean v = operand.evaluate(partition);
            return v == null ? null : !v;
        }

        @Override
        public String toString() {
            return "NOT (" + operand + ")";
        }
    }

    /**
     * Compares a partition value with a literal of the same kind: Strings by code point (the order
     * of their UTF-8 bytes, as Flink compares strings), BigDecimals numerically.
     */
    private static int compare(Comparable<?> value, Comparable<?> literal) {
        if (value instanceof BigDecimal v && literal instanceof BigDecimal l) {
            return v.compareTo(l);
        }
        String a = (String) value;
        String b = (String) literal;
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String quoted(Comparable<?> literal) {
        if (literal == null) {
            return "NULL";
        }
        return literal instanceof String s ? "'" + s.replace("'", "''") + "'" : literal.toString();
    }

    private static String join(List<PartitionPredicate> operands, String separator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < operands.size(); i++) {
            sb.append(i == 0 ? "(" : separator).append(operands.get(i));
        }
        return sb.append(')').toString();
    }
}
