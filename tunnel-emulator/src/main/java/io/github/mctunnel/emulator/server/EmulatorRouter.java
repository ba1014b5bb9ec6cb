package io.github.mctunnel.emulator.server;

/**
 * Sends {@code /api/...} requests to the meta service and tunnel table paths to the tunnel data
 * plane.
 */
public final class EmulatorRouter implements RequestHandler {

    private final RequestHandler meta;
    private final TunnelHandler tunnel;

    public EmulatorRouter(RequestHandler meta, TunnelHandler tunnel) {
        this.meta = meta;
        this.tunnel = tunnel;
    }

    @Override
    public void handle(EmulatorRequest req, EmulatorResponse resp) throws Exception {
        if (req.isMeta()) {
            meta.handle(req, resp);
            return;
        }
        TunnelPath path = TunnelPath.parse(req.path());
        if (path == null) {
            throw new ServiceException(
                    404, "InvalidURI", "The tunnel service has no resource at " + req.path());
        }
        tunnel.handle(req, resp, path.project(), path.schema(), path.table(), path.suffix());
    }
}
