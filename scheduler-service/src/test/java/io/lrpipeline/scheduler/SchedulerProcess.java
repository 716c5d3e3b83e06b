package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged scheduler ({@code target/quarkus-app}, so after {@code package}) in a JVM of its own, on loopback. */
final class SchedulerProcess implements AutoCloseable {
    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path log;

    private SchedulerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static SchedulerProcess start(String bootstrapServers, String name) throws IOException {
        return start(bootstrapServers, Files.createTempFile("scheduler-" + name, ".log"), Map.of());
    }

    /** Starts it with {@code env} added, and waits until it serves HTTP. */
    static SchedulerProcess start(String bootstrapServers, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", APP.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        // These tests drive the API as the local quick start does; AuthenticatedApiTest covers authentication.
        builder.environment().put("SCHEDULER_AUTH_ENABLED", "false");
        builder.environment().putAll(env);
        SchedulerProcess scheduler = new SchedulerProcess(builder.start(), log);
        await().atMost(Duration.ofSeconds(90)).until(() -> scheduler.output().contains("Installed features") || !scheduler.process.isAlive());
        assertThat(scheduler.process.isAlive()).as("scheduler is up (log: %s)", log).isTrue();
        return scheduler;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    Path log() {
        return log;
    }

    int httpPort() throws IOException {
        Matcher port = LISTENING.matcher(output());
        assertThat(port.find()).as("the port in %s", log).isTrue();
        return Integer.parseInt(port.group(1));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL, and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM; whether it stopped within 30 s. */
    boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
