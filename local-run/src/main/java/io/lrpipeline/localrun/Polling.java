package io.lrpipeline.localrun;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/** Asks again every 250 ms until a condition holds, time runs out, or waiting is no longer worth it. */
final class Polling {
    /** A condition that may fail to be asked (a group or topic not there yet, a port not listening): "not yet". */
    interface Check {
        boolean holds() throws ExecutionException, IOException, InterruptedException;
    }

    static boolean until(Duration timeout, BooleanSupplier stillWorthWaiting, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && stillWorthWaiting.getAsBoolean()) {
            try {
                if (check.holds()) {
                    return true;
                }
            } catch (ExecutionException | IOException e) {
                // not there yet: ask again
            }
            Thread.sleep(250);
        }
        return false;
    }

    private Polling() {}
}
