package io.lrpipeline.trainer.model;

import java.io.Serializable;

/**
 * One step of one Spark replica as its executor saw it: the replica (task partition), its loss, images and rate, the
 * seconds the step took on the executor, and the fingerprint of the parameters it started the step from.
 */
record ExecutorStep(int replica, double loss, int images, double learningRate, double seconds, ParameterFingerprint startedFrom)
        implements Serializable {}
