package io.lrpipeline.lrctl;

/** One run in {@code lrctl runs}: its schedule version, the last epoch it issued a rate for (-1: none yet), whether it is paused. */
record RunLine(String runId, long scheduleVersion, int currentEpoch, int epochs, boolean paused) {}
