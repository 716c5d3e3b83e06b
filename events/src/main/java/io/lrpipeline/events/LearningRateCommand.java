package io.lrpipeline.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lrpipeline.events.schedule.ScheduleSpec;

/**
 * An operator's command on {@link Topics#COMMANDS}, keyed by run id. {@link CommandParser} turns a payload into one
 * or says why it cannot; whether it fits the run (known run, epoch not past, id not used) is the scheduler's call.
 *
 * @param fromEpoch the first epoch it applies to; null means the next epoch
 * @param schedule the new schedule ({@code set-schedule}, or {@code preview} of one)
 * @param learningRate the fixed rate ({@code override}, or {@code preview} of one)
 * @param epochs how many epochs a {@code preview} curve shows; null means the run's length
 * @param by who sends it; {@code why} a free-text reason, both kept in the run's history
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LearningRateCommand(
        String commandId,
        String runId,
        Type type,
        Integer fromEpoch,
        ScheduleSpec schedule,
        Double learningRate,
        Integer epochs,
        String by,
        String why) implements Versioned {

    public enum Type {
        /** Replace the schedule from an epoch on. */
        @JsonProperty("set-schedule") SET_SCHEDULE,
        /** Train at a fixed rate from an epoch on. */
        @JsonProperty("override") OVERRIDE,
        /** Restore the plan as it was before the last change that is not yet undone. */
        @JsonProperty("undo") UNDO,
        /** Hold the current rate from an epoch on. */
        @JsonProperty("pause") PAUSE,
        /** Go back to the schedule from an epoch on. */
        @JsonProperty("resume") RESUME,
        /** Show the curve a schedule or rate would give, changing nothing. */
        @JsonProperty("preview") PREVIEW;

        public String wireName() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** Whether the command changes the run (everything but a preview). */
    public boolean changesState() {
        return type != Type.PREVIEW;
    }
}
