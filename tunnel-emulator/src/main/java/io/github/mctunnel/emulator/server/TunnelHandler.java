package io.github.mctunnel.emulator.server;

/** Serves every request on a tunnel table path (the data plane). */
@FunctionalInterface
public interface TunnelHandler {

    /**
     * @param suffix {@code ""}, {@code "streams"}, {@code "upserts"} or another sub-resource
     */
    void handle(
            EmulatorRequest req,
            EmulatorResponse resp,
            String project,
            String schemaOrNull,
            String table,
            String suffix)
            throws Exception;
}
