package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight grace after a throttle, on simulated time. */
class RequestLogInFlightTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final StallMeter stalls = new StallMeter(now::get);
    private final RequestLog log = new RequestLog(Clock.systemUTC(), now::get, stalls, 1000, false);

    @Test
    void anotherRequestWithinTheGraceIsInFlightLaterItIsAnAttack() {
        throttle();
        advance(RequestLog.IN_FLIGHT_GRACE_MILLIS - 50);
        send("PUT", "/projects/p/tables/t?uploadid=u&blockid=2");
        assertThat(log.attackCount()).isZero();

        advance(100);
        send("PUT", "/projects/p/tables/t?uploadid=u&blockid=3");
        assertThat(log.attackCount()).isEqualTo(1);
        assertThat(log.attackReports())
                .singleElement()
                .asString()
                .contains("PUT /projects/p/tables/t")
                .contains("blockid=3")
                .contains("came 250 ms (the JVM stood still 0 ms of them) after the 503")
                .contains("wait 1000 ms");
    }

    @Test
    void timeTheJvmStoodStillDoesNotCountIntoTheGrace() {
        throttle();
        // a 400 ms pause (e.g. garbage collection) right after the answer: the request sent
        // before it is read only afterwards
        now.addAndGet(StallMeter.TICK_NANOS + 400 * MS);
        stalls.tick();
        advance(50);
        send("PUT", "/projects/p/tables/t?uploadid=u&blockid=2");
        assertThat(log.attackCount()).isZero();
    }

    @Test
    void aResendOfTheThrottledRequestIsNeverInFlight() {
        throttle();
        now.addAndGet(StallMeter.TICK_NANOS + 400 * MS);
        stalls.tick();
        send("PUT", "/projects/p/tables/t?uploadid=u&blockid=1");
        assertThat(log.attackCount()).isEqualTo(1);
    }

    /**
     * Two threads of one process send the same request at the same moment (two writers creating
     * their sessions): the second, arriving on another connection just after the first was
     * throttled, was in flight; on the throttled request's own connection it is a resend.
     */
    @Test
    void theSameRequestOnAnotherConnectionWithinTheGraceIsInFlight() {
        throttle();
        advance(10);
        EmulatorRequest other =
                EmulatorRequest.of(
                        "PUT",
                        "/projects/p/tables/t?uploadid=u&blockid=1",
                        Map.of(),
                        InputStream.nullInputStream(),
                        "10.0.0.1",
                        "10.0.0.1:50002");
        log.before(other, new EmulatorResponse());
        log.completed(other, 404, "NoSuchUpload");
        assertThat(log.attackCount()).isZero();
        send("PUT", "/projects/p/tables/t?uploadid=u&blockid=1");
        assertThat(log.attackCount()).isEqualTo(1);
    }

    private void throttle() {
        EmulatorRequest req = request("PUT", "/projects/p/tables/t?uploadid=u&blockid=1");
        log.before(req, new EmulatorResponse());
        log.completed(req, 503, "ServiceUnavailable");
    }

    /** A request answered with a 404 (a success would end the throttle). */
    private void send(String method, String uri) {
        EmulatorRequest req = request(method, uri);
        log.before(req, new EmulatorResponse());
        log.completed(req, 404, "NoSuchUpload");
    }

    /** Advances simulated time with the stall meter ticking on time. */
    private void advance(long millis) {
        for (long t = 0; t < millis; t += 10) {
            now.addAndGet(StallMeter.TICK_NANOS);
            stalls.tick();
        }
    }

    private static EmulatorRequest request(String method, String uri) {
        return EmulatorRequest.of(method, uri, Map.of(), InputStream.nullInputStream(), "10.0.0.1");
    }
}
