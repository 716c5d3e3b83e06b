package io.lrpipeline.events;

/** A payload that is not a valid event of the contract; the message says why, for a human. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String reason) {
        super(reason);
    }

    public InvalidEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
