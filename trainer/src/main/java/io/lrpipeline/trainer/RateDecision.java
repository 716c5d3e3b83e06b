package io.lrpipeline.trainer;

import io.lrpipeline.events.TrainingMetric.RateSource;

/** The learning rate a worker trains an epoch with, and where it came from. */
public record RateDecision(double learningRate, long scheduleVersion, RateSource source, String eventId) {}
