package io.lrpipeline.scheduler;

import io.lrpipeline.events.LearningRateCommand;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an operator's command into a new plan for one run, or into the reason it cannot be applied. Nothing here
 * changes the run: {@link RunSchedules} applies an {@link Accepted} change.
 */
final class ScheduleChanges {
    /** Why a well-formed command does not fit the run; its message is the reason the operator reads. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A change that fits: the plan it makes, the epoch it applies from, and how that epoch was chosen. */
    record Accepted(SchedulePlan plan, int effectiveFromEpoch, String note) {}

    private final SchedulerRules rules;

    ScheduleChanges(SchedulerRules rules) {
        this.rules = rules;
    }

    Accepted decide(RunLedger run, LearningRateCommand command) throws Refused {
        if (command.changesState()) {
            Optional<ScheduleChange> earlier = run.history().stream().filter(c -> command.commandId().equals(c.commandId())).findFirst();
            if (earlier.isPresent()) {
                throw new Refused("duplicate commandId '" + command.commandId() + "': already applied as version "
                        + earlier.get().scheduleVersion());
            }
        }
        int current = run.currentEpoch();
        Integer requested = command.fromEpoch();
        if (requested != null && requested < current) {
            throw new Refused("epoch " + requested + " is in the past: run " + run.runId() + " is training epoch " + current);
        }
        int effective = requested == null ? current + 1 : Math.max(requested, current + 1);
        String note = requested != null && requested == current
                ? "epoch " + current + " has already started, so this applies from epoch " + effective
                : "applies from epoch " + effective;
        if (effective >= run.epochs() && command.changesState()) {
            throw new Refused("run " + run.runId() + " trains epochs 0-" + (run.epochs() - 1) + ": no epoch left from " + effective);
        }
        if (command.learningRate() != null && !rules.allows(command.learningRate())) {
            throw new Refused("learning rate " + command.learningRate() + " is outside the allowed " + rules.bounds());
        }
        SchedulePlan plan;
        try {
            plan = plan(run, command, effective);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        checkBounds(run, plan, effective);
        return new Accepted(plan, effective, note);
    }

    /** The planned rate of each epoch from 0, the issued ones as issued, over {@code epochs} epochs (the run's length if null). */
    List<Double> curve(RunLedger run, SchedulePlan plan, Integer epochs) {
        int length = epochs != null ? epochs : horizon(run);
        List<Double> curve = new ArrayList<>(length);
        for (int epoch = 0; epoch < length; epoch++) {
            curve.add(run.rateAt(plan, epoch));
        }
        return curve;
    }

    ScheduleChange entry(RunLedger run, LearningRateCommand command, Accepted accepted, Instant at) {
        String what = switch (command.type()) {
            case SET_SCHEDULE -> command.schedule().kind() + " " + command.schedule().params();
            case OVERRIDE -> "rate " + command.learningRate();
            default -> command.type().wireName();
        };
        return new ScheduleChange(run.version() + 1, command.commandId(), command.type().wireName(), command.by(), command.why(), at,
                command.fromEpoch(), accepted.effectiveFromEpoch(), what + ", " + accepted.note());
    }

    private SchedulePlan plan(RunLedger run, LearningRateCommand command, int effective) throws Refused {
        SchedulePlan plan = run.plan();
        return switch (command.type()) {
            case SET_SCHEDULE -> plan.from(effective, command.schedule());
            case OVERRIDE -> plan.from(effective, constant(command.learningRate()));
            case PREVIEW -> plan.from(effective, command.schedule() != null ? command.schedule() : constant(command.learningRate()));
            case PAUSE -> {
                if (plan.paused()) {
                    throw new Refused("run " + run.runId() + " is already paused from epoch " + plan.hold().fromEpoch());
                }
                yield plan.pausedAt(effective, run.rateAt(plan, Math.max(effective - 1, 0)));
            }
            case RESUME -> {
                if (!plan.paused()) {
                    throw new Refused("run " + run.runId() + " is not paused");
                }
                yield plan.resumedAt(effective);
            }
            case UNDO -> {
                if (run.undoable().isEmpty()) {
                    throw new Refused("run " + run.runId() + " has no change left to undo");
                }
                yield run.undoable().get(run.undoable().size() - 1);
            }
        };
    }

    private void checkBounds(RunLedger run, SchedulePlan plan, int effective) throws Refused {
        for (int epoch = effective; epoch < horizon(run); epoch++) {
            double rate = run.rateAt(plan, epoch);
            if (!rules.allows(rate)) {
                throw new Refused("the change gives learning rate " + rate + " at epoch " + epoch + ", outside the allowed "
                        + rules.bounds());
            }
        }
        ScheduleSpec taking = plan.segmentAt(effective).spec();
        if (taking.isMetricDriven() && taking.plateau().minRate() < rules.minLearningRate()) {
            throw new Refused("reduce-on-plateau minRate " + taking.plateau().minRate()
                    + " lets the rate fall below the allowed minimum " + rules.minLearningRate());
        }
    }

    private static int horizon(RunLedger run) {
        return run.epochs() == Integer.MAX_VALUE ? Math.max(run.currentEpoch() + 1, 0) + SchedulerRules.OPEN_ENDED_HORIZON
                : run.epochs();
    }

    private static ScheduleSpec constant(double rate) {
        return new ScheduleSpec(ScheduleSpec.CONSTANT, Map.of("rate", rate));
    }
}
