package io.lrpipeline.events;

import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.Objects;

/** The scheduler's current schedule for a run, kept in the compacted {@link Topics#STATE} topic. */
public record RunState(String runId, ScheduleSpec spec, long scheduleVersion, Instant updatedAt) implements Versioned {
    public RunState {
        Validation.requireId("runId", runId);
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
