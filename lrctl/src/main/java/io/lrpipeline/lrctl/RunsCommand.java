package io.lrpipeline.lrctl;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lrctl runs}: every run the scheduler keeps, one line each. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists every run: its schedule version, the last epoch it issued a rate for, whether it is paused.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    PlaneOptions plane;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<RunLine> runs;
        try (ControlPlane control = plane.open()) {
            runs = control.runs();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (runs.isEmpty()) {
            out.println("no runs yet");
            return 0;
        }
        out.printf("%-24s %8s %9s %7s%n", "RUN", "VERSION", "EPOCH", "PAUSED");
        for (RunLine run : runs) {
            String epoch = run.currentEpoch() < 0 ? "-" : run.currentEpoch() + "/" + run.epochs();
            out.printf("%-24s %8d %9s %7s%n", run.runId(), run.scheduleVersion(), epoch, run.paused() ? "yes" : "no");
        }
        return 0;
    }
}
