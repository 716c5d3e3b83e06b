package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler publishes in answer to one input, in this order: the runs' new states on {@code lr.state}
 * (first, so that a crash never leaves an event the state does not know of), the rate events on {@code lr.events},
 * a rejection on {@code lr.commands.rejected}, and the command's outcome on {@code lr.commands.replies}.
 */
public record Decision(List<RunState> states, List<LearningRateChanged> events, Optional<CommandRejected> rejection,
        Optional<CommandOutcome> outcome) {
    static final Decision NONE = new Decision(List.of(), List.of(), Optional.empty(), Optional.empty());

    static Decision of(List<RunState> states, List<LearningRateChanged> events) {
        return new Decision(states, events, Optional.empty(), Optional.empty());
    }

    static Decision rejected(CommandRejected rejection, CommandOutcome outcome) {
        return new Decision(List.of(), List.of(), Optional.of(rejection), Optional.of(outcome));
    }

    static Decision answered(List<RunState> states, CommandOutcome outcome) {
        return new Decision(states, List.of(), Optional.empty(), Optional.of(outcome));
    }
}
