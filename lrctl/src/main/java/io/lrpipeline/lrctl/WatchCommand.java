package io.lrpipeline.lrctl;

import io.lrpipeline.events.EpochSummary;
import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.IssuedRate;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.RunState.MemberStatus;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.lrctl.RunReport.WorkerEpoch;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lrctl watch RUN}: what happens to a run as it happens, a line each: an epoch's rate as issued, the rate each
 * worker applied, each worker's finished epoch (over Kafka; over the REST API the run's mean), a worker lost, back or
 * finished. Ends when every worker has finished, or on Ctrl-C.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follows a run live: each epoch's rate, the rate each worker applied, loss and validation accuracy, workers lost or finished; ends when the run has finished.")
final class WatchCommand implements Callable<Integer> {
    @Mixin
    PlaneOptions plane;

    @Parameters(paramLabel = "RUN", description = "The run's id.")
    String runId;

    @Option(names = "--interval", paramLabel = "MILLISECONDS", defaultValue = "1000", description = "How often to look (default ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Spec
    CommandSpec spec;

    private final Set<Integer> issuedShown = new HashSet<>();
    private final Set<String> appliedShown = new HashSet<>();
    private final Set<String> finishedShown = new HashSet<>();
    private final Set<Integer> observedShown = new HashSet<>();
    private final Map<String, MemberStatus> statusShown = new HashMap<>();
    private boolean waitingShown;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (ControlPlane control = plane.open()) {
            while (true) {
                RunReport report = control.run(runId).orElse(null);
                if (report == null) {
                    if (!waitingShown) {
                        out.println("waiting for run " + runId + " to start ...");
                        waitingShown = true;
                    }
                } else {
                    printNew(report, out);
                    if (report.finished()) {
                        out.println("run " + runId + " finished");
                        return 0;
                    }
                }
                out.flush();
                Thread.sleep(intervalMillis);
            }
        }
    }

    private void printNew(RunReport report, PrintWriter out) {
        RunState state = report.state();
        Map<String, Member> members = new TreeMap<>(state.members());
        members.forEach((id, member) -> {
            if (!statusShown.containsKey(id)) {
                out.printf("%s joined%n", id);
                statusShown.put(id, MemberStatus.ACTIVE);
            }
        });
        state.issued().forEach((epoch, issued) -> {
            if (issuedShown.add(epoch)) {
                printIssued(epoch, issued, out);
            }
        });
        members.forEach((id, member) -> member.applied().forEach((epoch, applied) -> {
            if (appliedShown.add(id + "/" + epoch)) {
                printApplied(id, epoch, applied, out);
            }
        }));
        new TreeMap<>(report.finishedEpochs()).forEach((id, epochs) -> epochs.forEach((epoch, done) -> {
            if (finishedShown.add(id + "/" + epoch)) {
                printFinished(id, epoch, done, out);
            }
        }));
        if (report.finishedEpochs().isEmpty()) {
            state.observed().forEach((epoch, summary) -> {
                if (observedShown.add(epoch)) {
                    printObserved(epoch, summary, out);
                }
            });
        }
        // Last: a worker that finished has done all of the above first.
        members.forEach((id, member) -> {
            if (statusShown.put(id, member.status()) != member.status()) {
                out.printf("%s %s%n", id, member.status() == MemberStatus.ACTIVE ? "is back" : member.status().name().toLowerCase(Locale.ROOT));
            }
        });
    }

    private static void printIssued(int epoch, IssuedRate issued, PrintWriter out) {
        out.printf("epoch %d: rate %s (schedule version %d, %s)%n", epoch, Rates.shown(issued.rate()), issued.scheduleVersion(), issued.reason());
    }

    private static void printApplied(String worker, int epoch, AppliedRate applied, PrintWriter out) {
        out.printf("  %s applied %s at epoch %d%s%n", worker, Rates.shown(applied.rate()), epoch,
                applied.source() == RateSource.FALLBACK ? " (its fallback: no event in time)" : "");
    }

    private static void printFinished(String worker, int epoch, WorkerEpoch done, PrintWriter out) {
        out.printf("  %s ended epoch %d: loss %s%s%n", worker, epoch, Rates.shown(done.loss()),
                done.validationAccuracy() == null ? "" : ", validation accuracy " + Rates.shown(done.validationAccuracy()));
    }

    private static void printObserved(int epoch, EpochSummary summary, PrintWriter out) {
        out.printf("  epoch %d ended (mean of %d workers): loss %s%s%n", epoch, summary.loss().count(), Rates.shown(summary.loss().value()),
                summary.validationAccuracy().count() == 0 ? "" : ", validation accuracy " + Rates.shown(summary.validationAccuracy().value()));
    }
}
