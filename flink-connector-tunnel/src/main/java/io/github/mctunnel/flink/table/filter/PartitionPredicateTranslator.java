package io.github.mctunnel.flink.table.filter;

import io.github.mctunnel.flink.table.filter.PartitionPredicate.Key;
import io.github.mctunnel.flink.table.filter.PartitionPredicate.Operator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates the filters Flink pushes down into {@link PartitionPredicate}s. A filter is translated
 * when it refers to partition keys only (STRING/VARCHAR keys compared with string literals, TINYINT
 * to BIGINT keys with integer literals) and uses only {@code =, <>, <, <=, >, >=}, {@code [NOT]
 * IN}, {@code [NOT] BETWEEN}, {@code AND}, {@code OR}, {@code NOT}, {@code IS [NOT] NULL}; anything
 * else (a function or cast on a key, another column, a CHAR key) is left to Flink.
 */
@Internal
public final class PartitionPredicateTranslator {

    private final Map<String, Key> keys;

    private PartitionPredicateTranslator(Map<String, Key> keys) {
        this.keys = keys;
    }

    /**
     * @param partitionKeyTypes the partition keys and their Flink types; keys of other types than
     *     STRING/VARCHAR and TINYINT/SMALLINT/INT/BIGINT are never translated
     */
    public static PartitionPredicateTranslator forKeys(Map<String, LogicalType> partitionKeyTypes) {
        Map<String, Key> keys = new LinkedHashMap<>();
        partitionKeyTypes.forEach(
                (name, type) -> {
                    LogicalTypeRoot root = type.getTypeRoot();
                    if (root == LogicalTypeRoot.VARCHAR) {
                        keys.put(name, new Key(name, false));
                    } else if (isInteger(root)) {
                        keys.put(name, new Key(name, true));
                    }
                });
        return new PartitionPredicateTranslator(keys);
    }

    /** The predicate of {@code filter}, or empty when Flink has to apply it. */
    public Optional<PartitionPredicate> translate(ResolvedExpression filter) {
        return Optional.ofNullable(predicate(filter));
    }

    private PartitionPredicate predicate(ResolvedExpression e) {
        if (!(e instanceof CallExpression call)) {
            return null;
        }
        FunctionDefinition f = call.getFunctionDefinition();
        List<ResolvedExpression> args = call.getResolvedChildren();
        if (f == BuiltInFunctionDefinitions.AND || f == BuiltInFunctionDefinitions.OR) {
            List<PartitionPredicate> operands = new ArrayList<>();
            for (ResolvedExpression arg : args) {
                PartitionPredicate p = predicate(arg);
                if (p == null) {
                    return null;
                }
                operands.add(p);
            }
            return f == BuiltInFunctionDefinitions.AND
                    ? new PartitionPredicate.And(operands)
                    : new PartitionPredicate.Or(operands);
        }
        if (f == BuiltInFunctionDefinitions.NOT && args.size() == 1) {
            PartitionPredicate p = predicate(args.get(0));
            return p == null ? null : new PartitionPredicate.Not(p);
        }
        if ((f == BuiltInFunctionDefinitions.IS_NULL || f == BuiltInFunctionDefinitions.IS_NOT_NULL)
                && args.size() == 1) {
            Key key = key(args.get(0));
            return key == null
                    ? null
                    : new PartitionPredicate.IsNull(
                            key, f == BuiltInFunctionDefinitions.IS_NOT_NULL);
        }
        Operator op = operator(f);
        if (op != null && args.size() == 2) {
            Key key = key(args.get(0));
            if (key != null) {
                return comparison(key, op, args.get(1));
            }
            key = key(args.get(1));
            return key == null ? null : comparison(key, op.swapped(), args.get(0));
        }
        if (f == BuiltInFunctionDefinitions.IN && args.size() >= 2) {
            Key key = key(args.get(0));
            if (key == null) {
                return null;
            }
            List<Comparable<?>> literals = new ArrayList<>();
            for (ResolvedExpression arg : args.subList(1, args.size())) {
                Literal l = literal(key, arg);
                if (l == null) {
                    return null;
                }
                literals.add(l.value);
            }
            return new PartitionPredicate.In(key, literals, false);
        }
        if ((f == BuiltInFunctionDefinitions.BETWEEN || f == BuiltInFunctionDefinitions.NOT_BETWEEN)
                && args.size() == 3) {
            Key key = key(args.get(0));
            if (key == null) {
                return null;
            }
            PartitionPredicate lower = comparison(key, Operator.GE, args.get(1));
            PartitionPredicate upper = comparison(key, Operator.LE, args.get(2));
            if (lower == null || upper == null) {
                return null;
            }
            PartitionPredicate between = new PartitionPredicate.And(List.of(lower, upper));
            return f == BuiltInFunctionDefinitions.BETWEEN
                    ? between
                    : new PartitionPredicate.Not(between);
        }
        return null;
    }

    private PartitionPredicate comparison(Key key, Operator op, ResolvedExpression other) {
        Literal l = literal(key, other);
        return l == null ? null : new PartitionPredicate.Comparison(key, op, l.value);
    }

    private Key key(ResolvedExpression e) {
        return e instanceof FieldReferenceExpression f ? keys.get(f.getName()) : null;
    }

    /** A literal's value in the key's kind (null value for a NULL literal), or null if none. */
    private static Literal literal(Key key, ResolvedExpression e) {
        if (!(e instanceof ValueLiteralExpression v)) {
            return null;
        }
        LogicalTypeRoot root = v.getOutputDataType().getLogicalType().getTypeRoot();
        if (key.numeric() ? !isInteger(root) : !isString(root)) {
            return null;
        }
        if (v.isNull()) {
            return new Literal(null);
        }
        Object value = v.getValueAs(v.getOutputDataType().getConversionClass()).orElse(null);
        if (key.numeric() && value instanceof Number n) {
            return new Literal(new BigDecimal(n.toString()));
        }
        if (!key.numeric() && value instanceof String s) {
            return new Literal(s);
        }
        return null;
    }

    private record Literal(Comparable<?> value) {}

    private static Operator operator(FunctionDefinition f) {
        if (f == BuiltInFunctionDefinitions.EQUALS) {
            return Operator.EQ;
        } else if (f == BuiltInFunctionDefinitions.NOT_EQUALS) {
            return Operator.NE;
        } else if (f == BuiltInFunctionDefinitions.LESS_THAN) {
            return Operator.LT;
        } else if (f == BuiltInFunctionDefinitions.LESS_THAN_OR_EQUAL) {
            return Operator.LE;
        } else if (f == BuiltInFunctionDefinitions.GREATER_THAN) {
            return Operator.GT;
        } else if (f == BuiltInFunctionDefinitions.GREATER_THAN_OR_EQUAL) {
            return Operator.GE;
        }
        return null;
    }

    private static boolean isInteger(LogicalTypeRoot root) {
        return root == LogicalTypeRoot.TINYINT
                || root == LogicalTypeRoot.SMALLINT
                || root == LogicalTypeRoot.INTEGER
                || root == LogicalTypeRoot.BIGINT;
    }

    private static boolean isString(LogicalTypeRoot root) {
        return root == LogicalTypeRoot.VARCHAR || root == LogicalTypeRoot.CHAR;
    }
}
