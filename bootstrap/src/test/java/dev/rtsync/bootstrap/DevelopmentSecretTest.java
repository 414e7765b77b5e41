package dev.rtsync.bootstrap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevelopmentSecretTest {

    @Test
    void a_secret_is_created_once_readable_by_its_owner_only_and_then_reused(@TempDir Path home) throws IOException {
        Path file = home.resolve("rtsync/dev-jwt-secret");

        String first = DevelopmentSecret.loadOrCreate(file);
        String second = DevelopmentSecret.loadOrCreate(file);

        assertThat(first).hasSize(64).isEqualTo(second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void a_short_secret_in_the_file_is_refused(@TempDir Path home) throws IOException {
        Path file = home.resolve("dev-jwt-secret");
        Files.writeString(file, "short");

        assertThatThrownBy(() -> DevelopmentSecret.loadOrCreate(file))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("shorter than 32 bytes");
    }
}
