package io.github.mctunnel.emulator.junit;

import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.function.Consumer;

/**
 * Gives a test class a running emulator:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TunnelEmulatorExtension EMULATOR = new TunnelEmulatorExtension();
 * }</pre>
 *
 * The emulator starts before all tests and stops after them; test methods may also take a {@link
 * TunnelEmulator} parameter. Use {@link #TunnelEmulatorExtension(Consumer)} to configure it.
 */
public final class TunnelEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Consumer<TunnelEmulator.Builder> configurer;
    private TunnelEmulator emulator;

    /** An in-memory emulator on a free port with project {@link TunnelEmulator#DEFAULT_PROJECT}. */
    public TunnelEmulatorExtension() {
        this(b -> {});
    }

    /** An emulator on a free port configured by {@code configurer}. */
    public TunnelEmulatorExtension(Consumer<TunnelEmulator.Builder> configurer) {
        this.configurer = configurer;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TunnelEmulator.Builder b = TunnelEmulator.builder().port(0);
        configurer.accept(b);
        emulator = b.build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    /** The running emulator. */
    public TunnelEmulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException(
                    "the emulator runs only while the test class runs; register the extension on a"
                            + " static field");
        }
        return emulator;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TunnelEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator();
    }
}
