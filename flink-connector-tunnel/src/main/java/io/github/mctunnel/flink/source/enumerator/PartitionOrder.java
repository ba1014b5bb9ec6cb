package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

/**
 * Orders partitions by their values, key by key in spec order; two values that are both integers
 * compare as numbers ({@code month=9} before {@code month=10}), otherwise as strings. A spec that
 * is a prefix of another comes first.
 */
@Internal
public final class PartitionOrder implements Comparator<PartitionSpec>, Serializable {

    public static final PartitionOrder INSTANCE = new PartitionOrder();

    private static final long serialVersionUID = 1L;

    private PartitionOrder() {}

    @Override
    public int compare(PartitionSpec a, PartitionSpec b) {
        Iterator<Map.Entry<String, String>> ia = a.values().entrySet().iterator();
        Iterator<Map.Entry<String, String>> ib = b.values().entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            Map.Entry<String, String> ea = ia.next();
            Map.Entry<String, String> eb = ib.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c == 0) {
                c = compareValues(ea.getValue(), eb.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    /**
     * Compares two partition values the way the service orders them: as numbers when both are
     * integers, otherwise as strings.
     */
    public static int compareValues(String a, String b) {
        if (isInteger(a) && isInteger(b)) {
            int c = new BigInteger(a).compareTo(new BigInteger(b));
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    private static boolean isInteger(String s) {
        int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
