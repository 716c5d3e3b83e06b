package io.lrpipeline.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.broker.LocalKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A real TensorBoard (the Python package, pinned in {@code tensorboard/requirements.txt}; {@code ./run-tests.sh}
 * installs it and sets {@code TENSORBOARD}) serving a log directory on loopback, asked over the HTTP API its
 * Scalars dashboard uses. {@code --load_fast=true} is the Rust data server, the loader a default TensorBoard uses
 * when it is installed (as a pip install brings it); {@code false} is the Python loader.
 */
final class RealTensorBoard implements AutoCloseable {
    /** One point as the Scalars dashboard gets it. */
    record Point(long step, double value) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealTensorBoard(Process process, int port) {
        this.process = process;
        this.base = "http://127.0.0.1:" + port;
    }

    /** The TensorBoard executable named by {@code TENSORBOARD}, if there is one. */
    static Optional<Path> executable() {
        return Optional.ofNullable(System.getenv("TENSORBOARD")).map(Path::of).filter(Files::isExecutable);
    }

    static RealTensorBoard start(Path executable, Path logDir, String loadFast, Path log) throws IOException {
        int port = LocalKafkaBroker.freePort();
        Process process = new ProcessBuilder(executable.toString(), "--logdir", logDir.toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--load_fast", loadFast, "--reload_interval", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RealTensorBoard(process, port);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Run → its scalar tags, from {@code /data/plugin/scalars/tags}; empty while TensorBoard is starting. */
    Map<String, Set<String>> scalarTags() {
        Map<String, Set<String>> tags = new TreeMap<>();
        get("/data/plugin/scalars/tags").ifPresent(runs -> runs.fields().forEachRemaining(run -> {
            Set<String> ofRun = new TreeSet<>();
            run.getValue().fieldNames().forEachRemaining(ofRun::add);
            tags.put(run.getKey(), ofRun);
        }));
        return tags;
    }

    /** The points of one run's tag, from {@code /data/plugin/scalars/scalars}: {@code [wall_time, step, value]} each. */
    List<Point> scalars(String run, String tag) {
        JsonNode series = get("/data/plugin/scalars/scalars?run=" + encode(run) + "&tag=" + encode(tag))
                .orElseThrow(() -> new AssertionError("TensorBoard has no series " + run + " / " + tag));
        List<Point> points = new ArrayList<>();
        for (Iterator<JsonNode> it = series.elements(); it.hasNext(); ) {
            JsonNode point = it.next();
            points.add(new Point(point.get(1).asLong(), point.get(2).asDouble()));
        }
        return points;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
