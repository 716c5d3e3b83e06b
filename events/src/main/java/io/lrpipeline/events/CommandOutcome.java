package io.lrpipeline.events;

import java.time.Instant;
import java.util.List;

/**
 * The scheduler's answer to every command, on {@link Topics#COMMANDS_REPLIES} keyed by run id.
 *
 * @param status accepted, rejected, or preview (a curve, nothing changed)
 * @param message what happened, in a sentence (for a rejection, the reason)
 * @param effectiveFromEpoch the first epoch the change applies to (later than asked when that epoch had started)
 * @param scheduleVersion the run's version after the command
 * @param curve the planned rate per epoch from epoch 0 after the command (or, for a preview, if it were applied)
 */
public record CommandOutcome(
        String commandId,
        String runId,
        Status status,
        String message,
        Integer requestedFromEpoch,
        Integer effectiveFromEpoch,
        long scheduleVersion,
        List<Double> curve,
        Instant at) implements Versioned {

    public enum Status { ACCEPTED, REJECTED, PREVIEW }

    public CommandOutcome {
        curve = curve == null ? List.of() : List.copyOf(curve);
    }
}
