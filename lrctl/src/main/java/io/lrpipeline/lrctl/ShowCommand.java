package io.lrpipeline.lrctl;

import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.IssuedRate;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.TrainingMetric.RateSource;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lrctl show RUN}: a run's plan, version, issued and planned rates, each worker's state and applied rates. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Shows a run: its plan and version, each worker's state, the planned, issued and applied rate of every epoch, its last changes.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    PlaneOptions plane;

    @Parameters(paramLabel = "RUN", description = "The run's id.")
    String runId;

    @Option(names = "--history", paramLabel = "N", defaultValue = "10", description = "How many of the last changes to show (default ${DEFAULT-VALUE}).")
    int history;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunReport report;
        try (ControlPlane control = plane.open()) {
            report = control.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "' (lrctl runs lists them)"));
        }
        print(report, spec.commandLine().getOut());
        return 0;
    }

    private void print(RunReport report, PrintWriter out) {
        RunState state = report.state();
        out.printf("run %s: %d epochs, %d workers, schedule version %d%s%n", state.runId(), state.epochs(), state.workers(),
                state.scheduleVersion(), state.plan().paused() ? ", paused" : "");
        out.println("plan:");
        for (SchedulePlan.Segment segment : state.plan().segments()) {
            out.printf("  from epoch %d: %s %s%n", segment.fromEpoch(), segment.spec().kind(), new TreeMap<>(segment.spec().params()));
        }
        if (state.plan().hold() != null) {
            SchedulePlan.Hold hold = state.plan().hold();
            out.printf("  held at %s from epoch %d%s%n", Rates.shown(hold.rate()), hold.fromEpoch(),
                    hold.untilEpoch() == null ? " (paused)" : " until epoch " + hold.untilEpoch());
        }
        List<String> workers = List.copyOf(new TreeMap<>(state.members()).keySet());
        out.println("workers:");
        if (workers.isEmpty()) {
            out.println("  none yet");
        }
        for (String id : workers) {
            Member member = state.members().get(id);
            out.printf("  %-16s %-9s last epoch ended %3s, last seen %s%n", id, member.status().name().toLowerCase(Locale.ROOT),
                    member.lastEpochEnded() < 0 ? "-" : String.valueOf(member.lastEpochEnded()), member.lastSeen().truncatedTo(ChronoUnit.SECONDS));
        }
        out.printf("%-6s %-10s %-10s", "EPOCH", "PLANNED", "ISSUED");
        workers.forEach(id -> out.printf(" %-18s", id));
        out.println();
        for (int epoch = 0; epoch < report.planned().size(); epoch++) {
            IssuedRate issued = state.issued().get(epoch);
            out.printf("%-6d %-10s %-10s", epoch, Rates.shown(report.planned().get(epoch)),
                    issued == null ? "-" : Rates.shown(issued.rate()));
            for (String id : workers) {
                AppliedRate applied = state.members().get(id).applied().get(epoch);
                out.printf(" %-18s", applied == null ? "-" : Rates.shown(applied.rate()) + (applied.source() == RateSource.FALLBACK ? " (fallback)" : ""));
            }
            out.println();
        }
        List<ScheduleChange> changes = state.history();
        if (!changes.isEmpty()) {
            out.println("last changes:");
            changes.subList(Math.max(0, changes.size() - history), changes.size()).forEach(change ->
                    out.printf("  v%d %s %s by %s: %s%s%n", change.scheduleVersion(), change.at().truncatedTo(ChronoUnit.SECONDS), change.type(), change.by(), change.summary(),
                            change.why() == null || change.why().isBlank() ? "" : " (" + change.why() + ")"));
        }
    }
}
