package io.github.mctunnel.emulator.server;

/**
 * A step of the request pipeline that runs before dispatch (authentication, fault injection,
 * retry-policy checks). It rejects a request by throwing {@link ServiceException}, and may see the
 * outcome of every request in {@link #completed}.
 */
public interface RequestInterceptor {

    /**
     * Runs before dispatch.
     *
     * @throws ServiceException to answer with an error instead of dispatching
     * @throws java.io.IOException to cut the connection without an answer
     */
    void before(EmulatorRequest req, EmulatorResponse resp) throws Exception;

    /** Called once the response status is known (also for rejected requests). */
    default void completed(EmulatorRequest req, int status, String errorCodeOrNull) {}
}
