package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler publishes in answer to one input: the runs' new states on {@code lr.state} (each run's full
 * state here; published without what the private ledger keeps: the workers' applied rates, changed ones in
 * {@code rates}, and the undoable plans, in {@code undo} when a command changed them), the rate events on
 * {@code lr.events}, a rejection on {@code lr.commands.rejected}, and the command's outcome on
 * {@code lr.commands.replies}.
 */
public record Decision(List<RunState> states, List<LearningRateChanged> events, List<WorkerRates> rates, Optional<UndoablePlans> undo,
        Optional<CommandRejected> rejection, Optional<CommandOutcome> outcome) {
    static final Decision NONE = new Decision(List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());

    static Decision of(List<RunState> states, List<LearningRateChanged> events) {
        return new Decision(states, events, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Decision rejected(CommandRejected rejection, CommandOutcome outcome) {
        return new Decision(List.of(), List.of(), List.of(), Optional.empty(), Optional.of(rejection), Optional.of(outcome));
    }

    static Decision answered(List<RunState> states, CommandOutcome outcome) {
        return new Decision(states, List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.of(outcome));
    }

    /** This decision, recording {@code changed} in the ledger as well. */
    Decision withRates(WorkerRates changed) {
        return new Decision(states, events, List.of(changed), undo, rejection, outcome);
    }

    /** This decision, recording the run's new undoable plans in the ledger as well. */
    Decision withUndo(UndoablePlans changed) {
        return new Decision(states, events, rates, Optional.of(changed), rejection, outcome);
    }
}
