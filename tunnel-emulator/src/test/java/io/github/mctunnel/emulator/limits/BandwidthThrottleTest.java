package io.github.mctunnel.emulator.limits;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BandwidthThrottleTest {

    private long now = 0;
    private final List<Long> pauses = new ArrayList<>();

    private BandwidthThrottle throttle(long bytesPerSecond) {
        return new BandwidthThrottle(
                bytesPerSecond,
                () -> now,
                nanos -> {
                    pauses.add(nanos);
                    now += nanos;
                });
    }

    @Test
    void pausesUntilTheBytesFitTheRate() throws Exception {
        InputStream in = throttle(1000).wrap(new ByteArrayInputStream(new byte[2500]));
        byte[] buf = new byte[500];
        int total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
        }
        assertThat(total).isEqualTo(2500);
        assertThat(now).isEqualTo(2_500_000_000L);
        assertThat(pauses).containsOnly(500_000_000L).hasSize(5);
    }

    @Test
    void doesNotPauseWhenTheTransferIsSlowerThanTheCap() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = throttle(1000).wrap(sink);
        now += 2_000_000_000L;
        out.write(new byte[1500]);
        assertThat(pauses).isEmpty();
        out.write(new byte[1000]);
        assertThat(pauses).containsExactly(500_000_000L);
        assertThat(sink.size()).isEqualTo(2500);
    }
}
