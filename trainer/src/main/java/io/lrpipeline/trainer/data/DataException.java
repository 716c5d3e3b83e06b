package io.lrpipeline.trainer.data;

/** The data cannot be trained on, for a reason the user can fix: its message is the one line the trainer prints. */
public final class DataException extends Exception {
    public DataException(String message) {
        super(message);
    }
}
