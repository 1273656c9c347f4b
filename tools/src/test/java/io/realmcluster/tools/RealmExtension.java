package io.realmcluster.tools;

import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.testkit.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL and a {@link DatabaseRealm} on it for one test, stopped after it:
 * {@code @RegisterExtension final RealmExtension cluster = new RealmExtension(ETCD);}, then
 * {@code cluster.start()} in the test.
 */
final class RealmExtension implements AfterEachCallback {
    private final EtcdExtension etcd;
    private PostgresProcess postgres;
    private DatabaseRealm realm;

    RealmExtension(final EtcdExtension etcd) {
        this.etcd = etcd;
    }

    DatabaseRealm start() throws IOException {
        postgres = StoreTls.postgres().port(0).start();
        final Path directory = Files.createTempDirectory("realm-it");
        directory.toFile().deleteOnExit();
        realm = DatabaseRealm.start(etcd.endpoint(), postgres, directory);
        return realm;
    }

    /** A realm whose control plane takes {@code controlPlaneArgs} (none: Login's default per-address limits). */
    DatabaseRealm start(final List<String> controlPlaneArgs) throws IOException {
        postgres = StoreTls.postgres().port(0).start();
        final Path directory = Files.createTempDirectory("realm-it");
        directory.toFile().deleteOnExit();
        realm = DatabaseRealm.start(etcd.endpoint(), postgres, directory, controlPlaneArgs);
        return realm;
    }

    /**
     * A realm whose control plane takes the arguments {@code controlPlaneArgs} makes of its PostgreSQL,
     * once started (e.g. a second realm database created there).
     */
    DatabaseRealm start(final Function<PostgresProcess, List<String>> controlPlaneArgs) throws IOException {
        postgres = StoreTls.postgres().port(0).start();
        final Path directory = Files.createTempDirectory("realm-it");
        directory.toFile().deleteOnExit();
        realm = DatabaseRealm.start(etcd.endpoint(), postgres, directory, controlPlaneArgs.apply(postgres));
        return realm;
    }

    PostgresProcess postgres() {
        return postgres;
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        if (realm != null) {
            realm.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }
}
