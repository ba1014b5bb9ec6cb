package io.github.mctunnel.emulator.server;

import io.github.mctunnel.emulator.clock.EmulatorClock;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The emulator's own requests under {@code /emulator} (not service APIs; {@link EmulatorHttpServer}
 * serves them to loopback clients only, unsigned):
 *
 * <ul>
 *   <li>{@code GET /emulator/clock}: the emulator's time and how far it was advanced, {@code
 *       {"now":"2024-01-02T01:00:00Z","offset":"PT25H"}};
 *   <li>{@code POST /emulator/clock?advance=PT25H}: moves the clock forward by an ISO-8601 duration
 *       and answers the same JSON; 400 {@code InvalidArgument} for a missing, malformed or negative
 *       duration.
 * </ul>
 */
public final class EmulatorAdmin implements RequestHandler {

    static final String CLOCK_PATH = EmulatorHttpServer.ADMIN_PREFIX + "/clock";

    private final EmulatorClock clock;

    public EmulatorAdmin(EmulatorClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void handle(EmulatorRequest req, EmulatorResponse resp) {
        if (!req.path().equals(CLOCK_PATH)) {
            throw new ServiceException(
                    404, "InvalidURI", "The emulator has no admin resource at " + req.path());
        }
        switch (req.method()) {
            case "GET" -> clock(resp);
            case "POST" -> {
                Duration by = advance(req.param("advance"));
                try {
                    clock.advance(by);
                } catch (ArithmeticException e) {
                    throw new ServiceException(
                            400, "InvalidArgument", "Advancing by " + by + " overflows the clock");
                }
                clock(resp);
            }
            default ->
                    throw new ServiceException(
                            405,
                            "MethodNotAllowed",
                            req.method() + " is not allowed on " + CLOCK_PATH + " (GET, POST)");
        }
    }

    private static Duration advance(String text) {
        if (text == null || text.isEmpty()) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "Parameter advance is missing: give an ISO-8601 duration, e.g."
                            + " advance=PT25H");
        }
        Duration d;
        try {
            d = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "Parameter advance must be an ISO-8601 duration such as PT25H or P2DT30M, got '"
                            + text
                            + "'");
        }
        if (d.isNegative()) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "The emulator clock only moves forward; advance must not be negative, got '"
                            + text
                            + "'");
        }
        return d;
    }

    private void clock(EmulatorResponse resp) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("now", clock.instant().toString());
        body.put("offset", clock.offset().toString());
        resp.json(body);
    }
}
