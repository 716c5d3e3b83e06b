package io.lrpipeline.logsink;

import java.time.Duration;

/** When a directory's event file is closed and the next one begun: at {@code maxBytes}, or {@code maxAge} after it was opened. */
public record FileRotation(long maxBytes, Duration maxAge) {
    /** Never, in practice: for tests and replays that want one file per directory. */
    public static final FileRotation NEVER = new FileRotation(Long.MAX_VALUE, Duration.ofDays(365_000));
}
