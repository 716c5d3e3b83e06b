package io.lrpipeline.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A command the scheduler refused, on {@link Topics#COMMANDS_REJECTED}: the payload as it arrived and why.
 * {@code commandId} and {@code runId} are null when the payload was too broken to say. {@code runKnown} says whether
 * {@code runId} names a run the scheduler has: only then is it a valid run id the log-sink files the rejection under
 * (a command for an unknown run, {@code ../../etc} say, creates no directory). A payload over
 * {@link EventJson#MAX_PAYLOAD_CHARS} is kept to its first {@link #KEPT_OF_OVERSIZED} characters, and
 * {@code payloadChars} says how long it was.
 */
public record CommandRejected(String commandId, String runId, boolean runKnown, String payload, int payloadChars, String reason,
        Instant rejectedAt) implements Versioned {
    public static final int KEPT_OF_OVERSIZED = 1024;

    public CommandRejected {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(rejectedAt, "rejectedAt");
        if (runKnown) {
            Validation.requireRunId("runId", runId);
        }
    }

    public static CommandRejected of(String commandId, String runId, boolean runKnown, String payload, String reason, Instant rejectedAt) {
        String whole = payload == null ? "" : payload;
        String kept = whole.length() > EventJson.MAX_PAYLOAD_CHARS ? whole.substring(0, KEPT_OF_OVERSIZED) : whole;
        return new CommandRejected(commandId, runId, runKnown, kept, whole.length(), reason, rejectedAt);
    }

    /** Whether this rejection is of {@code original} (whole, or the kept start of an oversized one). */
    public boolean isOf(String original) {
        return original.length() == payloadChars && original.startsWith(payload);
    }
}
