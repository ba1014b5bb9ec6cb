package io.github.mctunnel.emulator.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders errors the way each service does: JSON for tunnel, XML {@code <Error>} for meta. */
final class ErrorBodies {

    static final String HOST_ID = "tunnel-emulator";

    private ErrorBodies() {}

    static void render(EmulatorRequest req, EmulatorResponse resp, ServiceException e) {
        resp.reset();
        resp.status(e.status());
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            resp.header(h.getKey(), h.getValue());
        }
        String message = e.getMessage() == null ? e.code() : e.getMessage();
        if (req.isMeta()) {
            String xml =
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                            + Xml.escape(e.code())
                            + "</Code><Message>"
                            + Xml.escape(message)
                            + "</Message><RequestId>"
                            + Xml.escape(req.requestId())
                            + "</RequestId><HostId>"
                            + HOST_ID
                            + "</HostId></Error>";
            resp.body(xml.getBytes(StandardCharsets.UTF_8), "application/xml");
        } else {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("Code", e.code());
            body.put("Message", message);
            body.put("RequestId", req.requestId());
            resp.json(body);
        }
    }
}
