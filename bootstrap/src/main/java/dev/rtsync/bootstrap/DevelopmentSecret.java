package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The JWT secret of a development setup without {@code JWT_SECRET}: random, created once, kept in
 * a file only its owner can read, so the service and the {@code token} subcommand agree across
 * restarts.
 */
final class DevelopmentSecret {

    private DevelopmentSecret() {
    }

    static Path defaultLocation() {
        return Path.of(System.getProperty("user.home"), ".rtsync", "dev-jwt-secret");
    }

    static String loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, HexFormat.of().formatHex(random), StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, HexFormat.of().formatHex(random), StandardCharsets.UTF_8);
                }
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.getBytes(StandardCharsets.UTF_8).length < NimbusTokenVerifier.MIN_SECRET_BYTES) {
                throw new ConfigurationException("The development secret in " + file
                        + " is shorter than " + NimbusTokenVerifier.MIN_SECRET_BYTES + " bytes: delete the file to get a new one, or set JWT_SECRET");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development secret " + file, e);
        }
    }
}
