package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Outcomes that REST callers wait for, by command id: the command goes through {@code lr.commands} like any other. */
public final class CommandOutcomes {
    private final Map<String, CompletableFuture<CommandOutcome>> waiting = new ConcurrentHashMap<>();

    /** Call before publishing the command, so that a fast outcome is not missed. */
    CompletableFuture<CommandOutcome> expect(String commandId) {
        return waiting.computeIfAbsent(commandId, id -> new CompletableFuture<>());
    }

    void forget(String commandId) {
        waiting.remove(commandId);
    }

    void completed(CommandOutcome outcome) {
        if (outcome.commandId() != null) {
            CompletableFuture<CommandOutcome> caller = waiting.remove(outcome.commandId());
            if (caller != null) {
                caller.complete(outcome);
            }
        }
    }
}
