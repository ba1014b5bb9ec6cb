package io.github.mctunnel.benchmarks.e2e;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableDefinition;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.meta.MetaService;
import io.github.mctunnel.emulator.server.EmulatorHttpServer;
import io.github.mctunnel.emulator.server.EmulatorRouter;
import io.github.mctunnel.emulator.tunnel.TunnelService;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The emulator as the benchmark runs it: in this JVM, on loopback, in-memory catalog, the service's
 * default limits (no bandwidth cap), no authentication (signing still runs on the client).
 * Assembled from the emulator's server, router, meta and tunnel services.
 */
final class EmbeddedEmulator implements AutoCloseable {

    static final String PROJECT = "bench";

    private final Catalog catalog;
    private final EmulatorHttpServer server;

    private EmbeddedEmulator(Catalog catalog, EmulatorHttpServer server) {
        this.catalog = catalog;
        this.server = server;
    }

    static EmbeddedEmulator start() throws IOException {
        Clock clock = Clock.systemUTC();
        Catalog catalog = Catalog.inMemory(List.of(PROJECT), clock);
        AtomicReference<String> hostPort = new AtomicReference<>();
        MetaService meta =
                new MetaService(
                        catalog, clock, hostPort::get, () -> "http://" + hostPort.get() + "/api");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // The tunnel service needs its advertised address at construction; the router resolves
        // it lazily so that the server can bind an ephemeral port first.
        AtomicReference<TunnelService> tunnel = new AtomicReference<>();
        EmulatorHttpServer server =
                new EmulatorHttpServer(
                        loopback,
                        0,
                        List.of(),
                        new EmulatorRouter(
                                meta,
                                (req, resp, project, schema, table, suffix) ->
                                        tunnel.get()
                                                .handle(
                                                        req, resp, project, schema, table,
                                                        suffix)));
        server.start();
        hostPort.set(loopback.getHostAddress() + ":" + server.port());
        tunnel.set(new TunnelService(catalog, EmulatorLimits.defaults(), clock, hostPort.get()));
        return new EmbeddedEmulator(catalog, server);
    }

    /** {@code http://127.0.0.1:port}, the tunnel endpoint. */
    String tunnelEndpoint() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.port();
    }

    /** {@code http://127.0.0.1:port/api}, the ODPS endpoint. */
    String odpsEndpoint() {
        return tunnelEndpoint() + "/api";
    }

    TableIdentifier createTable(String name, TableSchema schema) {
        TableIdentifier id = TableIdentifier.of(PROJECT, name);
        catalog.createTable(TableDefinition.plain(id, schema), false);
        return id;
    }

    void dropTable(TableIdentifier id) {
        catalog.dropTable(id, true);
    }

    @Override
    public void close() throws IOException {
        server.close();
        catalog.close();
    }
}
