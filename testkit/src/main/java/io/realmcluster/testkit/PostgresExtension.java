package io.realmcluster.testkit;

import io.realmcluster.processes.PostgresProcess;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One throw-away PostgreSQL per test class when registered on a static field, per test on an instance
 * field: {@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();},
 * or with settings, e.g. TLS: {@code new PostgresExtension(postgres -> postgres.tls(ca, certificate, key))}.
 */
public final class PostgresExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final ScopedResource<PostgresProcess> postgres;

    /** A PostgreSQL with the defaults of {@link PostgresProcess#start()}. */
    public PostgresExtension() {
        this(UnaryOperator.identity());
    }

    /** A PostgreSQL with {@code settings} applied to its builder when it starts (after the test class's static fields). */
    public PostgresExtension(final UnaryOperator<PostgresProcess.Builder> settings) {
        this.postgres = new ScopedResource<>(
                () -> settings.apply(PostgresProcess.builder()).start(), PostgresProcess::stop);
    }

    /** The running server; fails outside the extension's scope. */
    public PostgresProcess process() {
        return postgres.get("PostgreSQL");
    }

    public String jdbcUrl() {
        return process().jdbcUrl();
    }

    public String user() {
        return process().user();
    }

    public String password() {
        return process().password();
    }

    public DataSource dataSource() {
        return process().dataSource();
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        postgres.enterClass();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        postgres.exitClass();
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        postgres.enterTest();
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        postgres.exitTest();
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresProcess.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context) {
        return process();
    }
}
