package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page and the REST API with authentication on, as in production: HTTP Basic against users of the embedded
 * properties realm, given as a deployment gives them (config properties holding SHA-512 digests, no clear password).
 */
@QuarkusTest
@TestProfile(AuthenticatedApiTest.TwoUsers.class)
class AuthenticatedApiTest {
    private static final String RUN = "run-authenticated";

    /** vera may read (viewer), otto may also send commands (operator). */
    public static class TwoUsers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.auth.enabled", "true",
                    "quarkus.security.users.embedded.users.vera", digest("vera", "vera-password"),
                    "quarkus.security.users.embedded.roles.vera", "viewer",
                    "quarkus.security.users.embedded.users.otto", digest("otto", "otto-password"),
                    "quarkus.security.users.embedded.roles.otto", "operator");
        }

        /** What an operator puts in the users file: SHA-512 of user:realm:password, in hex. */
        private static String digest(String user, String password) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-512").digest((user + ":lr-pipeline:" + password).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(hash);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

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
    void withoutCredentialsOrWithAWrongPasswordEverythingButHealthIs401WithTheChallengeAndAJsonReason() throws Exception {
        for (String authorization : Arrays.asList(null, basic("otto", "guessed"), basic("mallory", "otto-password"))) {
            for (HttpResponse<String> response : List.of(get("/api/runs", authorization), get("/api/runs/" + RUN, authorization),
                    command("{\"type\": \"undo\"}", authorization))) {
                assertThat(response.statusCode()).as("%s %s", response.request().uri(), authorization).isEqualTo(401);
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"lr-pipeline\"");
                assertThat(response.body()).startsWith("{\"error\":\"who is calling?");
            }
            assertThat(get("/", authorization).statusCode()).as("the page").isEqualTo(401);
        }
        assertThat(get("/q/health/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aViewerReadsThePageAndTheRunsButMayNotSendCommands() throws Exception {
        String vera = basic("vera", "vera-password");
        long version = schedules.run(RUN).orElseThrow().scheduleVersion();

        assertThat(get("/", vera).statusCode()).isEqualTo(200);
        assertThat(get("/api/runs", vera).body()).contains("\"runId\":\"" + RUN + "\"");
        assertThat(get("/api/runs/" + RUN, vera).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = command("{\"type\": \"override\", \"learningRate\": 0.01, \"fromEpoch\": 3}", vera);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).isEqualTo("{\"error\":\"not allowed: reading runs needs the role viewer or operator, sending commands the role operator\"}");
        assertThat(schedules.run(RUN).orElseThrow().scheduleVersion()).isEqualTo(version);
    }

    @Test
    void anOperatorsCommandIsAcceptedAndSignedByTheUserTheBodysByKeptAsANote() throws Exception {
        String otto = basic("otto", "otto-password");

        HttpResponse<String> accepted = command("{\"type\": \"override\", \"learningRate\": 0.004, \"fromEpoch\": 6, "
                + "\"by\": \"alice\", \"why\": \"loss is flat\"}", otto);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).contains("\"status\":\"ACCEPTED\"");
        String run = get("/api/runs/" + RUN, otto).body();
        assertThat(run).contains("\"by\":\"otto\"").contains("\"why\":\"loss is flat (the request said by: alice)\"")
                .doesNotContain("\"by\":\"alice\"");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(request(path, authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> command(String json, String authorization) throws Exception {
        return http.send(request("/api/runs/" + RUN + "/commands", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root.toString()).resolve(path));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }
}
