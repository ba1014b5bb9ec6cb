package io.github.mctunnel.flink.table.filter;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinition;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which filters become partition predicates, and their evaluation on partition values: string
 * comparisons by code point, numeric ones by value, SQL's three-valued logic.
 */
class PartitionPredicateTranslatorTest {

    private static final FieldReferenceExpression DS =
            new FieldReferenceExpression("ds", DataTypes.STRING(), 0, 2);
    private static final FieldReferenceExpression HH =
            new FieldReferenceExpression("hh", DataTypes.INT(), 0, 3);
    private static final FieldReferenceExpression ID =
            new FieldReferenceExpression("id", DataTypes.BIGINT(), 0, 0);
    private static final FieldReferenceExpression CODE =
            new FieldReferenceExpression("code", DataTypes.CHAR(2), 0, 4);

    private static final List<PartitionSpec> PARTITIONS = partitions();

    private static List<PartitionSpec> partitions() {
        List<PartitionSpec> out = new ArrayList<>();
        for (String ds : List.of("20261120", "20261121", "20261122")) {
            for (int hh : new int[] {1, 8, 12}) {
                out.add(PartitionSpec.parse("ds=" + ds + ",hh=" + hh + ",code=xy"));
            }
        }
        return out;
    }

    private static PartitionPredicateTranslator translator() {
        Map<String, LogicalType> keys = new LinkedHashMap<>();
        keys.put("ds", DataTypes.STRING().getLogicalType());
        keys.put("hh", DataTypes.INT().getLogicalType());
        keys.put("code", DataTypes.CHAR(2).getLogicalType());
        return PartitionPredicateTranslator.forKeys(keys);
    }

    private static CallExpression call(BuiltInFunctionDefinition f, ResolvedExpression... args) {
        return CallExpression.permanent(f, List.of(args), DataTypes.BOOLEAN());
    }

    private static ValueLiteralExpression lit(Object value) {
        return new ValueLiteralExpression(value);
    }

    private static ValueLiteralExpression nullOf(DataType type) {
        return new ValueLiteralExpression(null, type.nullable());
    }

    /** "ds/hh" of the partitions the filter keeps. */
    private static List<String> kept(ResolvedExpression filter) {
        PartitionPredicate p = translator().translate(filter).orElseThrow();
        List<String> out = new ArrayList<>();
        for (PartitionSpec spec : PARTITIONS) {
            if (p.test(spec)) {
                out.add(spec.values().get("ds").substring(6) + "/" + spec.values().get("hh"));
            }
        }
        return out;
    }

    @Test
    void comparisonsOnStringAndNumericKeys() {
        assertThat(kept(call(BuiltInFunctionDefinitions.EQUALS, DS, lit("20261121"))))
                .containsExactly("21/1", "21/8", "21/12");
        assertThat(kept(call(BuiltInFunctionDefinitions.NOT_EQUALS, DS, lit("20261121"))))
                .containsExactly("20/1", "20/8", "20/12", "22/1", "22/8", "22/12");
        assertThat(kept(call(BuiltInFunctionDefinitions.GREATER_THAN, DS, lit("20261121"))))
                .containsExactly("22/1", "22/8", "22/12");
        assertThat(
                        kept(
                                call(
                                        BuiltInFunctionDefinitions.GREATER_THAN_OR_EQUAL,
                                        DS,
                                        lit("20261121"))))
                .hasSize(6);
        // numeric: 8 < 12 (as strings "12" < "8")
        assertThat(kept(call(BuiltInFunctionDefinitions.LESS_THAN, HH, lit(12))))
                .containsExactly("20/1", "20/8", "21/1", "21/8", "22/1", "22/8");
        assertThat(kept(call(BuiltInFunctionDefinitions.LESS_THAN_OR_EQUAL, HH, lit(8L))))
                .containsExactly("20/1", "20/8", "21/1", "21/8", "22/1", "22/8");
        // literal first: 8 < hh is hh > 8
        assertThat(kept(call(BuiltInFunctionDefinitions.LESS_THAN, lit(8), HH)))
                .containsExactly("20/12", "21/12", "22/12");
    }

    @Test
    void inBetweenAndOrNot() {
        assertThat(kept(call(BuiltInFunctionDefinitions.IN, HH, lit(1), lit(12))))
                .containsExactly("20/1", "20/12", "21/1", "21/12", "22/1", "22/12");
        assertThat(
                        kept(
                                call(
                                        BuiltInFunctionDefinitions.BETWEEN,
                                        DS,
                                        lit("20261121"),
                                        lit("20261122"))))
                .hasSize(6)
                .doesNotContain("20/1");
        assertThat(kept(call(BuiltInFunctionDefinitions.NOT_BETWEEN, HH, lit(2), lit(12))))
                .containsExactly("20/1", "21/1", "22/1");
        assertThat(
                        kept(
                                call(
                                        BuiltInFunctionDefinitions.OR,
                                        call(
                                                BuiltInFunctionDefinitions.AND,
                                                call(
                                                        BuiltInFunctionDefinitions.EQUALS,
                                                        DS,
                                                        lit("20261120")),
                                                call(
                                                        BuiltInFunctionDefinitions.EQUALS,
                                                        HH,
                                                        lit(1))),
                                        call(
                                                BuiltInFunctionDefinitions.NOT,
                                                call(
                                                        BuiltInFunctionDefinitions.LESS_THAN,
                                                        HH,
                                                        lit(12))))))
                .containsExactly("20/1", "20/12", "21/12", "22/12");
    }

    @Test
    void nullsFollowThreeValuedLogic() {
        assertThat(kept(call(BuiltInFunctionDefinitions.IS_NULL, DS))).isEmpty();
        assertThat(kept(call(BuiltInFunctionDefinitions.IS_NOT_NULL, HH))).hasSize(9);
        // ds = NULL is UNKNOWN, and so is NOT (ds = NULL): no partition passes either
        ResolvedExpression eqNull =
                call(BuiltInFunctionDefinitions.EQUALS, DS, nullOf(DataTypes.STRING()));
        assertThat(kept(eqNull)).isEmpty();
        assertThat(kept(call(BuiltInFunctionDefinitions.NOT, eqNull))).isEmpty();
        // UNKNOWN OR TRUE is TRUE; UNKNOWN AND TRUE is UNKNOWN
        ResolvedExpression hh1 = call(BuiltInFunctionDefinitions.EQUALS, HH, lit(1));
        assertThat(kept(call(BuiltInFunctionDefinitions.OR, eqNull, hh1))).hasSize(3);
        assertThat(kept(call(BuiltInFunctionDefinitions.AND, eqNull, hh1))).isEmpty();
        // hh IN (1, NULL): TRUE for 1, UNKNOWN otherwise; NOT IN is never TRUE
        ResolvedExpression in =
                call(BuiltInFunctionDefinitions.IN, HH, lit(1), nullOf(DataTypes.INT()));
        assertThat(kept(in)).containsExactly("20/1", "21/1", "22/1");
        assertThat(kept(call(BuiltInFunctionDefinitions.NOT, in))).isEmpty();
    }

    @Test
    void stringsCompareByCodePointLikeFlink() {
        PartitionPredicate greater =
                translator()
                        .translate(call(BuiltInFunctionDefinitions.GREATER_THAN, DS, lit("\uFF21")))
                        .orElseThrow();
        // U+1F600 (a surrogate pair in UTF-16) is after U+FF21 by code point and in UTF-8
        assertThat(greater.test(PartitionSpec.parse("ds=\uD83D\uDE00,hh=1,code=xy"))).isTrue();
        assertThat(greater.test(PartitionSpec.parse("ds=Z,hh=1,code=xy"))).isFalse();
    }

    @Test
    void otherFiltersStayWithFlink() {
        PartitionPredicateTranslator t = translator();
        // a non-partition column, alone or inside OR
        assertThat(t.translate(call(BuiltInFunctionDefinitions.EQUALS, ID, lit(3L)))).isEmpty();
        assertThat(
                        t.translate(
                                call(
                                        BuiltInFunctionDefinitions.OR,
                                        call(
                                                BuiltInFunctionDefinitions.EQUALS,
                                                DS,
                                                lit("20261120")),
                                        call(BuiltInFunctionDefinitions.EQUALS, ID, lit(3L)))))
                .isEmpty();
        // a function on a key
        assertThat(
                        t.translate(
                                call(
                                        BuiltInFunctionDefinitions.EQUALS,
                                        CallExpression.permanent(
                                                BuiltInFunctionDefinitions.UPPER,
                                                List.of(DS),
                                                DataTypes.STRING()),
                                        lit("X"))))
                .isEmpty();
        // a literal of another kind, a CHAR key, key against key
        assertThat(t.translate(call(BuiltInFunctionDefinitions.EQUALS, HH, lit("8")))).isEmpty();
        assertThat(t.translate(call(BuiltInFunctionDefinitions.EQUALS, CODE, lit("xy")))).isEmpty();
        assertThat(t.translate(call(BuiltInFunctionDefinitions.EQUALS, DS, DS))).isEmpty();
        assertThat(t.translate(call(BuiltInFunctionDefinitions.LIKE, DS, lit("2026%")))).isEmpty();
    }

    @Test
    void aNonNumericValueOfANumericKeyFailsNamingIt() {
        PartitionPredicate p =
                translator()
                        .translate(call(BuiltInFunctionDefinitions.EQUALS, HH, lit(1)))
                        .orElseThrow();
        assertThatThrownBy(() -> p.test(PartitionSpec.parse("ds=a,hh=x1,code=xy")))
                .hasMessage(
                        "Partition ds=a,hh=x1,code=xy: the value 'x1' of the numeric partition key"
                                + " hh is not a number");
    }

    @Test
    void predicatesAreSerializableAndReadable() throws Exception {
        PartitionPredicate p =
                translator()
                        .translate(
                                call(
                                        BuiltInFunctionDefinitions.AND,
                                        call(BuiltInFunctionDefinitions.IN, HH, lit(1), lit(8)),
                                        call(
                                                BuiltInFunctionDefinitions.NOT_EQUALS,
                                                DS,
                                                lit("it's"))))
                        .orElseThrow();
        assertThat(p).hasToString("(hh IN (1, 8) AND ds <> 'it''s')");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(p);
        }
    }
}
