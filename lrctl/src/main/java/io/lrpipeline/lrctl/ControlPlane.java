package io.lrpipeline.lrctl;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.LearningRateCommand;
import java.util.List;
import java.util.Optional;

/**
 * Where lrctl reads runs and sends commands: the Kafka contract itself ({@link KafkaControlPlane}) or the scheduler's
 * REST API ({@link RestControlPlane}). A transport that fails, or refuses the caller, is an {@link IllegalStateException}
 * that says so in a sentence.
 */
interface ControlPlane extends AutoCloseable {
    List<RunLine> runs();

    /** The run, as of now; empty when no run has that id. */
    Optional<RunReport> run(String runId);

    /** Sends {@code command} and waits for the scheduler's outcome. */
    CommandOutcome send(LearningRateCommand command);

    @Override
    void close();
}
