package io.github.mctunnel.benchmarks.flink.upsert;

import io.github.mctunnel.benchmarks.data.EventRows;

import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upsert benchmark's changelog and its final-state check. */
class ChangelogTest {

    private final Changelog changelog = new Changelog(10, 5, 3);

    @Test
    void everyWindowChangesEveryKeyTheGivenNumberOfTimes() {
        assertThat(changelog.changes()).isEqualTo(150);
        for (int w = 0; w < changelog.windows; w++) {
            int[] perKey = new int[changelog.keys];
            for (long i = w * changelog.windowChanges();
                    i < (w + 1) * changelog.windowChanges();
                    i++) {
                perKey[(int) changelog.keyOf(i)]++;
            }
            assertThat(perKey).containsOnly(5);
        }
    }

    @Test
    void keysAreInsertedFirstAndAfterADeleteAndUpdatedOtherwise() {
        for (long key = 0; key < changelog.keys; key++) {
            boolean exists = false;
            for (long i = key; i < changelog.changes(); i += changelog.keys) {
                RowKind kind = changelog.kindOf(i);
                if (kind == RowKind.DELETE) {
                    exists = false;
                } else {
                    assertThat(kind).isEqualTo(exists ? RowKind.UPDATE_AFTER : RowKind.INSERT);
                    exists = true;
                }
            }
        }
        assertThat(changelog.applied()).hasSizeBetween(1, changelog.keys - 1);
    }

    @Test
    void theFinalStateCheckTakesTheAppliedChangelogAndRefusesAnyDifference() {
        EventRows rows = EventRows.generate(Changelog.POOL, 1, 1);
        Map<Long, Long> applied = changelog.applied();
        List<Object[]> table = new ArrayList<>();
        for (long change : applied.values()) {
            Object[] row = changelog.rowOf(rows, change);
            for (int c = 0; c < row.length; c++) {
                if (row[c] instanceof String s && c != 6) {
                    row[c] = s.getBytes(StandardCharsets.UTF_8); // as the emulator keeps STRING
                }
            }
            table.add(row);
        }
        assertThat(UpsertThroughput.verifyFinalState(changelog, table, "t"))
                .isEqualTo(applied.size());

        Object[] stale = table.get(0).clone();
        stale[1] = (Long) stale[1] - changelog.keys; // the key's previous change
        List<Object[]> wrong = new ArrayList<>(table);
        wrong.set(0, stale);
        assertThatThrownBy(() -> UpsertThroughput.verifyFinalState(changelog, wrong, "t"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("column user_id");

        assertThatThrownBy(
                        () ->
                                UpsertThroughput.verifyFinalState(
                                        changelog, table.subList(1, table.size()), "t"))
                .hasMessageContaining("is missing");
    }
}
