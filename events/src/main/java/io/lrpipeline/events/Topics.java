package io.lrpipeline.events;

import java.util.List;
import java.util.Map;

/** The topics of the contract, with the configs they are created with. Every record is keyed by run id. */
public final class Topics {
    public static final String COMMANDS = "lr.commands";
    public static final String COMMANDS_REJECTED = "lr.commands.rejected";
    public static final String COMMANDS_REPLIES = "lr.commands.replies";
    public static final String STATE = "lr.state";
    public static final String LR_EVENTS = "lr.events";
    public static final String TRAINING_METRICS = "training.metrics";
    /**
     * Not part of the contract: the scheduler's private ledger of the rate each worker applied at each epoch, one
     * compacted record per (run, worker), in the partition of the run's id, so that {@code lr.state} stays small.
     */
    public static final String SCHEDULER_APPLIED = "lr.scheduler.applied";

    /**
     * Not part of the contract: the scheduler's private ledger of the plans an undo would restore, one compacted
     * record per run, keyed by run id, so that {@code lr.state} carries only what trainers and the sink read.
     */
    public static final String SCHEDULER_UNDO = "lr.scheduler.undo";

    /** A topic and the configs it must be created with. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {}

    /** All topics of the contract, and the scheduler's private ledger (applied rates, undoable plans). {@code lr.state} is compacted with small segments: compaction only touches closed segments. */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(COMMANDS, 3, Map.of("cleanup.policy", "delete", "retention.ms", "604800000")),
            new TopicSpec(COMMANDS_REJECTED, 3, Map.of("cleanup.policy", "delete")),
            new TopicSpec(COMMANDS_REPLIES, 3, Map.of("cleanup.policy", "delete", "retention.ms", "604800000")),
            new TopicSpec(STATE, 3, Map.of("cleanup.policy", "compact", "segment.ms", "60000",
                    "min.cleanable.dirty.ratio", "0.1")),
            new TopicSpec(LR_EVENTS, 3, Map.of("cleanup.policy", "delete")),
            new TopicSpec(TRAINING_METRICS, 3, Map.of("cleanup.policy", "delete")),
            new TopicSpec(SCHEDULER_APPLIED, 3, Map.of("cleanup.policy", "compact", "segment.ms", "60000",
                    "min.cleanable.dirty.ratio", "0.1")),
            new TopicSpec(SCHEDULER_UNDO, 3, Map.of("cleanup.policy", "compact", "segment.ms", "60000",
                    "min.cleanable.dirty.ratio", "0.1")));

    private Topics() {}
}
