package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST API, OpenAPI, health and metrics of the running service. */
@QuarkusTest
class RestApiTest {
    private static final String RUN = "run-rest";
    private final HttpClient http = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RunSchedules schedules;

    @BeforeEach
    void runExists() throws InterruptedException {
        TopicClient.ensureRun(bootstrapServers, schedules, RUN, 20);
    }

    @Test
    void previewAnswersWithTheCurveAndChangesNothing() throws Exception {
        long version = schedules.run(RUN).orElseThrow().scheduleVersion();

        HttpResponse<String> response = post("/api/runs/" + RUN + "/commands", "{\"type\": \"preview\", \"learningRate\": 0.02, \"epochs\": 4}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"PREVIEW\"").contains("\"curve\":[0.045,0.02,0.02,0.02]");
        assertThat(schedules.run(RUN).orElseThrow().scheduleVersion()).isEqualTo(version);
    }

    @Test
    void acceptedCommandShowsInTheRunsHistory() throws Exception {
        HttpResponse<String> response = post("/api/runs/" + RUN + "/commands",
                "{\"type\": \"override\", \"learningRate\": 0.005, \"fromEpoch\": 5, \"by\": \"rest-test\", \"why\": \"because\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"ACCEPTED\"").contains("\"effectiveFromEpoch\":5");
        HttpResponse<String> run = get("/api/runs/" + RUN);
        assertThat(run.body()).contains("\"by\":\"rest-test\"").contains("\"why\":\"because\"").contains("\"planned\":[");
    }

    @Test
    void rejectedCommandIs422WithTheReason() throws Exception {
        HttpResponse<String> response = post("/api/runs/" + RUN + "/commands", "{\"type\": \"override\", \"learningRate\": 42, \"by\": \"x\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("learning rate 42.0 is outside the allowed [1.0E-6, 1.0]");
    }

    @Test
    void unknownRunIs404WithAJsonReason() throws Exception {
        HttpResponse<String> response = get("/api/runs/nobody");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"unknown run 'nobody'\"}");
    }

    /** 2 MB: over what the server reads at all; 200 kB: over what a command may be. Neither reaches Kafka. */
    @ParameterizedTest
    @ValueSource(ints = {2_000_000, 200_000})
    void aCommandBodyOverTheLimitGets413WithAJsonReasonAndChangesNothing(int whyChars) throws Exception {
        long version = schedules.run(RUN).orElseThrow().scheduleVersion();

        HttpResponse<String> response = post("/api/runs/" + RUN + "/commands",
                "{\"type\": \"override\", \"learningRate\": 0.01, \"by\": \"x\", \"why\": \"" + "w".repeat(whyChars) + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).matches("\\{\"error\":\"the (request body|command) is \\d+ (bytes|characters), more than the \\d+ [a-z ]+\"}");
        assertThat(schedules.run(RUN).orElseThrow().scheduleVersion()).isEqualTo(version);
    }

    @Test
    void aCommandThatRepeatsAKeyIsRefusedWithAReasonNotResolvedByTheLastOne() throws Exception {
        long version = schedules.run(RUN).orElseThrow().scheduleVersion();

        HttpResponse<String> response = post("/api/runs/" + RUN + "/commands",
                "{\"type\": \"override\", \"learningRate\": 0.01, \"learningRate\": 5, \"by\": \"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"not JSON: Duplicate field 'learningRate'\"}");
        assertThat(schedules.run(RUN).orElseThrow().scheduleVersion()).isEqualTo(version);
    }

    /** Every refusal is one JSON reason: none shows a stack trace or an HTML error page. */
    @Test
    void everyErrorResponseIsAJsonReasonWithoutAStackTrace() throws Exception {
        URI commands = URI.create(root.toString()).resolve("/api/runs/" + RUN + "/commands");
        List<HttpResponse<String>> responses = List.of(
                post("/api/runs/" + RUN + "/commands", "{not json"),
                post("/api/runs/" + RUN + "/commands", "[1, 2]"),
                post("/api/runs/" + RUN + "/commands", "{\"runId\": \"other\", \"type\": \"undo\", \"by\": \"x\"}"),
                http.send(HttpRequest.newBuilder(commands).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("undo")).build(),
                        HttpResponse.BodyHandlers.ofString()),
                http.send(HttpRequest.newBuilder(commands).DELETE().build(), HttpResponse.BodyHandlers.ofString()),
                get("/api/no-such-thing"));

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(400, 400, 400, 415, 405, 404);
        for (HttpResponse<String> response : responses) {
            assertThat(response.body()).as("HTTP %d", response.statusCode()).startsWith("{\"error\":\"")
                    .doesNotContain("Exception").doesNotContain("\\tat ").doesNotContain("<html");
        }
    }

    @Test
    void servesOpenApiSwaggerHealthAndMetrics() throws Exception {
        post("/api/runs/" + RUN + "/commands", "{\"type\": \"preview\", \"learningRate\": 0.02}");

        assertThat(get("/q/openapi").body()).contains("/api/runs/{runId}/commands");
        assertThat(get("/q/swagger-ui/").statusCode()).isEqualTo(200);
        HttpResponse<String> health = get("/q/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\": \"UP\"");
        JsonNode checks = new ObjectMapper().readTree(get("/q/health/ready").body()).get("checks");
        JsonNode loop = StreamSupport.stream(checks.spliterator(), false).filter(c -> c.get("name").asText().equals(DecisionLoopHealth.NAME))
                .findFirst().orElseThrow();
        assertThat(loop.get("status").asText()).isEqualTo("UP");
        assertThat(loop.get("data").get("phase").asText()).isEqualTo("deciding");
        assertThat(loop.get("data").get("ownedPartitions").asText()).isEqualTo("[0, 1, 2]");
        assertThat(loop.get("data").get("lastCommit").asText()).isNotEqualTo("none yet");
        assertThat(get("/q/metrics").body()).contains("scheduler_commands_total").contains("scheduler_transaction_seconds{quantile=\"0.99\"");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(root.toString()).resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(root.toString()).resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
