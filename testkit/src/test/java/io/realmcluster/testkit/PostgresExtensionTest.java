package io.realmcluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.processes.PostgresProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void selectOneThroughTheJdbcUrl() throws Exception {
        assertThat(POSTGRES.jdbcUrl()).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/postgres");
        try (Connection connection =
                        DriverManager.getConnection(POSTGRES.jdbcUrl(), POSTGRES.user(), POSTGRES.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void selectOneThroughTheDataSource(final PostgresProcess injected) throws Exception {
        assertThat(injected).isSameAs(POSTGRES.process());
        try (Connection connection = POSTGRES.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select current_user, 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo(POSTGRES.user());
            assertThat(result.getInt(2)).isEqualTo(1);
        }
    }
}
