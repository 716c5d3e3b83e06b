package io.lrpipeline.lrctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateCommand;
import io.lrpipeline.events.RunState;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane through the scheduler's REST API: {@code GET /api/runs}, {@code GET /api/runs/ID}, {@code POST
 * /api/runs/ID/commands}, with HTTP Basic credentials when given. The scheduler signs a command with the user it
 * authenticated, whatever {@code by} says.
 */
final class RestControlPlane implements ControlPlane {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final Optional<String> authorization;
    private final Duration timeout;

    RestControlPlane(URI base, Optional<String> user, Optional<String> password, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.authorization = user.map(name -> "Basic " + Base64.getEncoder()
                .encodeToString((name + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public List<RunLine> runs() {
        JsonNode runs = json(expect(call(request("/api/runs").GET()), 200));
        List<RunLine> lines = new ArrayList<>();
        runs.forEach(run -> lines.add(new RunLine(run.path("runId").asText(), run.path("scheduleVersion").asLong(),
                run.path("currentEpoch").asInt(), run.path("epochs").asInt(), run.path("paused").asBoolean())));
        return lines;
    }

    @Override
    public Optional<RunReport> run(String runId) {
        HttpResponse<String> response = call(request("/api/runs/" + encoded(runId)).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode view = json(expect(response, 200));
        try {
            RunState state = EventJson.read(view.path("state").toString(), RunState.class, EventJson.MAX_STATE_CHARS);
            List<Double> planned = new ArrayList<>();
            view.path("planned").forEach(rate -> planned.add(rate.asDouble()));
            return Optional.of(new RunReport(state, planned, Map.of()));
        } catch (InvalidEventException e) {
            throw new IllegalStateException("the scheduler at " + base + " sent a run lrctl cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public CommandOutcome send(LearningRateCommand command) {
        HttpRequest.Builder post = request("/api/runs/" + encoded(command.runId()) + "/commands")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.write(command)));
        HttpResponse<String> response = call(post);
        if (response.statusCode() != 200 && response.statusCode() != 422) {
            throw problem(response);
        }
        try {
            return EventJson.read(response.body(), CommandOutcome.class);
        } catch (InvalidEventException e) {
            throw new IllegalStateException("the scheduler at " + base + " answered with an outcome lrctl cannot read: " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    private HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("no scheduler answered at " + base + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the scheduler", e);
        }
    }

    private HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw problem(response);
        }
        return response;
    }

    /** The scheduler's reason ({@code {"error": ...}}) for a status lrctl cannot go on with. */
    private IllegalStateException problem(HttpResponse<String> response) {
        String reason;
        try {
            reason = JSON.readTree(response.body()).path("error").asText(response.body());
        } catch (IOException e) {
            reason = response.body();
        }
        String hint = switch (response.statusCode()) {
            case 401 -> authorization.isEmpty() ? " (give --user, and its password)" : " (check --user and its password)";
            case 403 -> " (commands need the role operator)";
            default -> "";
        };
        return new IllegalStateException("the scheduler at " + base + " answered " + response.statusCode() + ": "
                + (reason.isBlank() ? "(no reason given)" : reason) + hint);
    }

    private JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("the scheduler at " + base + " answered with something that is not JSON", e);
        }
    }

    private static String encoded(String runId) {
        return URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() {
        // HttpClient holds nothing that outlives the process (its close() is Java 21)
    }
}
