package io.lrpipeline.trainer.model;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.factory.DefaultTrainerContext;
import org.deeplearning4j.parallelism.trainer.DefaultTrainer;
import org.deeplearning4j.parallelism.trainer.Trainer;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * ParallelWrapper's own trainers (DL4J's {@link DefaultTrainer}: its thread, queue and averaging), each seeding its
 * thread's generator before every step it trains ({@link StepSeeds}) so that replica {@code k}'s dropout is the same
 * in every run with the same seed. ParallelWrapper's builder (1.0.0-M2.1) replaces any trainer factory with its own in
 * {@code AVERAGING} mode and asks for a gradient accumulator in {@code CUSTOM} mode, so these are put in place on the
 * built wrapper ({@link #install}), before its first {@code fit} creates its trainers; the averaging is its own.
 */
final class SeededReplicas extends DefaultTrainerContext {
    /** Makes {@code wrapper}'s trainers these; the field is protected, and set before the wrapper has made any. */
    static void install(ParallelWrapper wrapper) {
        try {
            Field context = ParallelWrapper.class.getDeclaredField("trainerContext");
            context.setAccessible(true);
            context.set(wrapper, new SeededReplicas());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ParallelWrapper has no trainerContext field: not the DL4J version this was written for", e);
        }
    }

    @Override
    public Trainer create(String uuid, int threadId, Model model, int rootDevice, boolean useMDS, ParallelWrapper wrapper,
            WorkspaceMode mode, int averagingFrequency) {
        SeededTrainer trainer = new SeededTrainer(uuid, threadId, model, useMDS, wrapper, mode, averagingFrequency);
        trainer.setName("ParallelWrapper replica " + threadId);
        trainer.setDaemon(true);
        return trainer;
    }

    /** What {@link DefaultTrainerContext} builds, with the seeding before each step. */
    private static final class SeededTrainer extends DefaultTrainer {
        SeededTrainer(String uuid, int threadId, Model model, boolean useMDS, ParallelWrapper wrapper, WorkspaceMode mode, int averagingFrequency) {
            this.originalModel = model;
            this.replicatedModel = model;
            this.threadId = threadId;
            this.parallelWrapper = wrapper;
            this.workspaceMode = mode;
            this.useMDS = useMDS;
            this.uuid = uuid + "_thread_" + threadId;
            this.averagingFrequency = averagingFrequency;
        }

        @Override
        protected void fit(DataSet dataSet) {
            StepSeeds.seedStep((ComputationGraph) replicatedModel, threadId);
            super.fit(dataSet);
        }
    }
}
