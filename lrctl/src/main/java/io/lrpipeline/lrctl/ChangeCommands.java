package io.lrpipeline.lrctl;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateCommand.Type;
import io.lrpipeline.events.LearningRateCommand;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that change a run's schedule ({@code set}, {@code override}, {@code pause}, {@code resume},
 * {@code undo}) or preview a change: each sends one command of the contract and prints the scheduler's outcome.
 * Exit status 0 when accepted (or previewed), 3 when rejected, the reason printed.
 */
final class ChangeCommands {
    /** Exit status of a command the scheduler rejected. */
    static final int REJECTED = 3;

    private ChangeCommands() {}

    /** What every change command has: the control plane, the run, who sends it and why. */
    abstract static class Change implements Callable<Integer> {
        @Mixin
        PlaneOptions plane;

        @Parameters(index = "0", paramLabel = "RUN", description = "The run's id.")
        String runId;

        @Option(names = "--by", defaultValue = "${env:USER:-operator}",
                description = "Who sends it, for the run's history (default: $USER; over the REST API the authenticated user signs it).")
        String by;

        @Option(names = "--why", description = "Why, for the run's history.")
        String why;

        @Spec
        CommandSpec spec;

        abstract LearningRateCommand command(String commandId);

        @Override
        public Integer call() {
            try (ControlPlane control = plane.open()) {
                CommandOutcome outcome = control.send(command("lrctl-" + UUID.randomUUID()));
                PrintWriter out = spec.commandLine().getOut();
                if (outcome.status() == CommandOutcome.Status.REJECTED) {
                    out.println("rejected: " + outcome.message());
                    return REJECTED;
                }
                out.println(outcome.message());
                printDetails(outcome, control, out);
                return 0;
            }
        }

        /** What a command shows after the scheduler's sentence: nothing, but for a preview. */
        void printDetails(CommandOutcome outcome, ControlPlane control, PrintWriter out) {}
    }

    /** A change that takes effect from an epoch (the next one when not given). */
    abstract static class FromEpoch extends Change {
        @Option(names = "--from-epoch", paramLabel = "EPOCH", description = "The first epoch it applies to (default: the next one).")
        Integer fromEpoch;
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Replaces the run's schedule from an epoch on.")
    static final class SetSchedule extends FromEpoch {
        @Parameters(index = "1", paramLabel = "SCHEDULE", description = "A preset (inception-v4, cosine-warmup, ...) or a schedule's JSON:"
                + " '{\"kind\": \"exponential\", \"params\": {\"initial\": 0.02, \"gamma\": 0.9}}'.")
        String schedule;

        @Override
        LearningRateCommand command(String commandId) {
            return new LearningRateCommand(commandId, runId, Type.SET_SCHEDULE, fromEpoch, schedule(schedule), null, null, by, why);
        }
    }

    @Command(name = "override", mixinStandardHelpOptions = true, description = "Trains the run at a fixed rate from an epoch on.")
    static final class OverrideRate extends FromEpoch {
        @Parameters(index = "1", paramLabel = "RATE", description = "The learning rate.")
        double rate;

        @Override
        LearningRateCommand command(String commandId) {
            return new LearningRateCommand(commandId, runId, Type.OVERRIDE, fromEpoch, null, rate, null, by, why);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Holds the rate of the epoch before, from an epoch on, until resume.")
    static final class Pause extends FromEpoch {
        @Override
        LearningRateCommand command(String commandId) {
            return new LearningRateCommand(commandId, runId, Type.PAUSE, fromEpoch, null, null, null, by, why);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Goes back to the schedule from an epoch on.")
    static final class Resume extends FromEpoch {
        @Override
        LearningRateCommand command(String commandId) {
            return new LearningRateCommand(commandId, runId, Type.RESUME, fromEpoch, null, null, null, by, why);
        }
    }

    @Command(name = "undo", mixinStandardHelpOptions = true, description = "Restores the plan as it was before the last change not yet undone.")
    static final class Undo extends Change {
        @Override
        LearningRateCommand command(String commandId) {
            return new LearningRateCommand(commandId, runId, Type.UNDO, null, null, null, null, by, why);
        }
    }

    @Command(name = "preview", mixinStandardHelpOptions = true,
            description = "Shows the curve a schedule or a fixed rate would give the run, beside the one it has; changes nothing.")
    static final class Preview extends FromEpoch {
        @Option(names = "--schedule", paramLabel = "SCHEDULE", description = "A preset or a schedule's JSON, as for set.")
        String schedule;

        @Option(names = "--rate", paramLabel = "RATE", description = "A fixed rate, as for override.")
        Double rate;

        @Option(names = "--epochs", paramLabel = "N", description = "How many epochs the curve shows (default: the run's length).")
        Integer epochs;

        @Override
        LearningRateCommand command(String commandId) {
            if ((schedule == null) == (rate == null)) {
                throw new IllegalArgumentException("give one of --schedule and --rate");
            }
            return new LearningRateCommand(commandId, runId, Type.PREVIEW, fromEpoch, schedule == null ? null : schedule(schedule), rate, epochs,
                    null, null);
        }

        /** The previewed curve beside the run's planned one. */
        @Override
        void printDetails(CommandOutcome outcome, ControlPlane control, PrintWriter out) {
            List<Double> now = control.run(runId).map(RunReport::planned).orElse(List.of());
            out.printf("%-6s %-10s %-10s%n", "EPOCH", "NOW", "PREVIEW");
            for (int epoch = 0; epoch < outcome.curve().size(); epoch++) {
                out.printf("%-6d %-10s %-10s%n", epoch, epoch < now.size() ? Rates.shown(now.get(epoch)) : "-", Rates.shown(outcome.curve().get(epoch)));
            }
        }
    }

    /** A preset's name, or a schedule written as JSON; the scheduler judges whether it fits the run. */
    static ScheduleSpec schedule(String text) {
        if (Presets.names().contains(text)) {
            return Presets.named(text);
        }
        try {
            return EventJson.read(text, ScheduleSpec.class);
        } catch (InvalidEventException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a preset (" + String.join(", ", Presets.names())
                    + ") nor a schedule's JSON: " + e.getMessage());
        }
    }
}
