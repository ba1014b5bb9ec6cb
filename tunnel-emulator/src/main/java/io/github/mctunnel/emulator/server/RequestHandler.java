package io.github.mctunnel.emulator.server;

/** Handles a request that passed authentication and fault injection. */
@FunctionalInterface
public interface RequestHandler {

    void handle(EmulatorRequest req, EmulatorResponse resp) throws Exception;
}
