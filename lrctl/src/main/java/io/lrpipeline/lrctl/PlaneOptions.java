package io.lrpipeline.lrctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which control plane a command speaks to: the scheduler's REST API when {@code --url} is given, else Kafka. */
final class PlaneOptions {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:LRCTL_URL}",
            description = "The scheduler's address (http://host:8080): use its REST API instead of Kafka (env LRCTL_URL).")
    Optional<URI> url;

    @Option(names = "--user", defaultValue = "${env:LRCTL_USER}",
            description = "The REST API's user; its password comes from --password-file or the environment variable LRCTL_PASSWORD, never the command line (env LRCTL_USER).")
    Optional<String> user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "A file whose first line is --user's password.")
    Optional<Path> passwordFile;

    ControlPlane open() {
        Duration timeout = Duration.ofSeconds(kafka.timeoutSeconds);
        if (url.isPresent()) {
            URI base = url.get();
            if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
                throw new IllegalArgumentException("--url " + base + ": not an http:// or https:// address");
            }
            Optional<String> password = passwordFile.map(PlaneOptions::firstLine).or(() -> Optional.ofNullable(System.getenv("LRCTL_PASSWORD")));
            if (user.isPresent() && password.isEmpty()) {
                throw new IllegalArgumentException("--user " + user.get() + " needs its password: --password-file FILE or the environment variable LRCTL_PASSWORD");
            }
            return new RestControlPlane(base, user, password, timeout);
        }
        return new KafkaControlPlane(kafka.settings(), timeout);
    }

    private static String firstLine(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--password-file " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
