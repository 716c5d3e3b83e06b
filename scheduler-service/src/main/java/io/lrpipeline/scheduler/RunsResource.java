package io.lrpipeline.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandParser;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.RunState;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The runs over HTTP: read a run's plan, history and the rates its workers applied; send it a command. Any instance
 * answers for every run: reads come from {@link RunsView}, a command goes through {@code lr.commands} like any other
 * and its outcome comes back on {@code lr.commands.replies}, whichever instance owns the run. Reads need the role
 * {@code viewer} or {@code operator}, commands {@code operator}; a command is signed by the caller (see {@link #signed}).
 */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RunsResource {
    /** A run as the page draws it: its state, and the planned rate of each epoch (issued ones as issued). */
    public record RunView(RunState state, List<Double> planned) {}

    /** One line per run. */
    public record RunSummary(String runId, long scheduleVersion, int currentEpoch, int epochs, boolean paused) {}

    private final RunSchedules schedules;
    private final RunsView view;
    private final CommandOutcomes outcomes;
    private final SchedulerConfig config;
    private final MutinyEmitter<String> commands;
    private final SecurityIdentity caller;

    public RunsResource(RunSchedules schedules, RunsView view, CommandOutcomes outcomes, SchedulerConfig config,
            @Channel("lr-commands-out") MutinyEmitter<String> commands, SecurityIdentity caller) {
        this.schedules = schedules;
        this.view = view;
        this.outcomes = outcomes;
        this.config = config;
        this.commands = commands;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    @Operation(summary = "Every run the scheduler knows")
    public List<RunSummary> runs() {
        return view.runs().stream().map(s -> new RunSummary(s.runId(), s.scheduleVersion(),
                s.issued().isEmpty() ? -1 : s.issued().lastKey(), s.epochs(), s.plan().paused())).toList();
    }

    @GET
    @Path("/{runId}")
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    @Operation(summary = "A run's plan, history, members with the rates they applied, and its planned curve")
    public RunView run(@PathParam("runId") String runId) {
        RunState state = view.run(runId).orElseThrow(() -> new NotFoundException("unknown run '" + runId + "'"));
        return new RunView(state, schedules.plannedCurve(state));
    }

    @POST
    @Path("/{runId}/commands")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a command (set-schedule, override, undo, pause, resume, preview) and wait for its outcome",
            description = "The body is a command as on lr.commands; runId comes from the path and commandId is generated "
                    + "when missing. 200 with the outcome when accepted or previewed, 422 with the reason when rejected; "
                    + "400 for a body that is not one JSON object with each key once, 413 for one over 64 KiB; "
                    + "401 without credentials, 403 without the role operator. The history's by is the authenticated user.")
    public Response command(@PathParam("runId") String runId, String body) throws InterruptedException {
        if (body.length() > EventJson.MAX_PAYLOAD_CHARS) {
            return Problem.response(413, "the command is " + body.length() + " characters, more than the "
                    + EventJson.MAX_PAYLOAD_CHARS + " a command may have");
        }
        ObjectNode command;
        try {
            command = CommandParser.readObject(body);
        } catch (InvalidEventException e) {
            return Problem.response(400, e.getMessage());
        }
        if (command.hasNonNull("runId") && !runId.equals(command.path("runId").asText())) {
            return Problem.response(400, "runId in the body ('" + command.path("runId").asText() + "') differs from the path");
        }
        command.put("runId", runId);
        signed(command);
        if (!command.path("commandId").isTextual()) {
            command.put("commandId", "rest-" + UUID.randomUUID());
        }
        String commandId = command.path("commandId").asText();
        CompletableFuture<CommandOutcome> outcome = outcomes.expect(commandId);
        try {
            commands.sendMessageAndAwait(KafkaRecord.of(runId, command.toString()));
            CommandOutcome answer = outcome.get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (answer.status() == CommandOutcome.Status.ACCEPTED) {
                view.awaitVersion(runId, answer.scheduleVersion(), config.commandTimeout()); // a read after this sees the change
            }
            return Response.status(answer.status() == CommandOutcome.Status.REJECTED ? 422 : 200).entity(answer).build();
        } catch (TimeoutException e) {
            return Problem.response(504, "command " + commandId + " was published but no outcome came within "
                    + config.commandTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            outcomes.forget(commandId);
        }
    }

    /**
     * The audit trail's {@code by} is the authenticated caller; a different {@code by} in the body is kept only as a
     * note at the end of {@code why}. An anonymous caller (authentication off, see {@link OpenAccess}) signs as it says.
     */
    private void signed(ObjectNode command) {
        if (caller.isAnonymous()) {
            return;
        }
        String user = caller.getPrincipal().getName();
        JsonNode claimed = command.path("by");
        if (claimed.isTextual() && !claimed.asText().equals(user)) {
            String why = command.path("why").isTextual() ? command.path("why").asText() + " " : "";
            command.put("why", why + "(the request said by: " + claimed.asText() + ")");
        }
        command.put("by", user);
    }
}
