package io.realmcluster.testkit;

import io.realmcluster.processes.EtcdProcess;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real etcd per test class when registered on a static field, per test on an instance field:
 * {@code @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();}, or with settings,
 * e.g. TLS: {@code new EtcdExtension(etcd -> etcd.tls(ca, certificate, key))}.
 */
public final class EtcdExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final ScopedResource<EtcdProcess> etcd;

    /** An etcd with the defaults of {@link EtcdProcess#start()}. */
    public EtcdExtension() {
        this(UnaryOperator.identity());
    }

    /** An etcd with {@code settings} applied to its builder when it starts (after the test class's static fields). */
    public EtcdExtension(final UnaryOperator<EtcdProcess.Builder> settings) {
        this.etcd =
                new ScopedResource<>(() -> settings.apply(EtcdProcess.builder()).start(), EtcdProcess::stop);
    }

    /** The running etcd; fails outside the extension's scope. */
    public EtcdProcess process() {
        return etcd.get("etcd");
    }

    /** Client URL of the running etcd, e.g. {@code http://127.0.0.1:2379} ({@code https://} with TLS). */
    public String endpoint() {
        return process().endpoint();
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        etcd.enterClass();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        etcd.exitClass();
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        etcd.enterTest();
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        etcd.exitTest();
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context) {
        return parameter.getParameter().getType() == EtcdProcess.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context) {
        return process();
    }
}
