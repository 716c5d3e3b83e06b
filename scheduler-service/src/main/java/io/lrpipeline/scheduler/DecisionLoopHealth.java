package io.lrpipeline.scheduler;

import io.lrpipeline.scheduler.DecisionLoop.Phase;
import io.lrpipeline.scheduler.DecisionLoop.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The decision loop in {@code /q/health}: ready while it decides (not while it recovers from a failed transaction),
 * live until it stops for good; with its phase, since when and why, the partitions whose runs it owns and its last
 * commit.
 */
@ApplicationScoped
public class DecisionLoopHealth {
    static final String NAME = "decision-loop";

    private final LearningRateScheduler scheduler;

    public DecisionLoopHealth(LearningRateScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Produces
    @Readiness
    HealthCheck deciding() {
        return () -> {
            Status status = scheduler.status();
            return describe(status, status.phase() == Phase.DECIDING);
        };
    }

    @Produces
    @Liveness
    HealthCheck running() {
        return () -> {
            Status status = scheduler.status();
            return describe(status, status.phase() != Phase.STOPPED);
        };
    }

    private static HealthCheckResponse describe(Status status, boolean up) {
        var response = HealthCheckResponse.named(NAME).status(up)
                .withData("phase", status.phase().name().toLowerCase())
                .withData("since", status.since().toString())
                .withData("ownedPartitions", status.owned().stream().sorted().toList().toString())
                .withData("lastCommit", status.lastCommit() == null ? "none yet" : status.lastCommit().toString());
        if (!status.reason().isEmpty()) {
            response.withData("reason", status.reason());
        }
        return response.build();
    }
}
