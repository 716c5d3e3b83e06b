package io.lrpipeline.trainer;

import java.util.Optional;

/** Where a trainer keeps its checkpoints and finds the one it resumes from. */
public interface Checkpoints {
    /** No checkpoints: every run starts from its first step and nothing is saved. */
    Checkpoints NONE = new Checkpoints() {
        @Override
        public Optional<Progress> resume(TrainableModel model) {
            return Optional.empty();
        }

        @Override
        public void save(Progress progress, TrainableModel model) {}
    };

    /**
     * Makes {@code model} the one of the checkpoint this trainer resumes from and tells where it stood; empty when it
     * starts afresh. A checkpoint of another run, worker, model or data order is refused ({@link Refused}), never
     * loaded in part.
     */
    Optional<Progress> resume(TrainableModel model);

    /** Saves {@code model} as it stands at {@code progress}, durably, before the next step. */
    void save(Progress progress, TrainableModel model);

    /** A checkpoint that cannot be resumed from, and why, in one line. */
    final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }

        public Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
