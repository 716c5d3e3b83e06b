package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardSinkTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path logDir;

    @Test
    void writesScheduledRateForTheRunAndAppliedRatePerWorker() throws Exception {
        try (TensorBoardSink sink = new TensorBoardSink(logDir, "host", 7)) {
            sink.accept(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "step-decay", AT));
            sink.accept(new EpochStarted("run-1", "worker-0", 0, 0.045, 1, RateSource.SCHEDULER, "e0", 0, AT));
            sink.accept(new EpochStarted("run-1", "worker-1", 0, 0.045, 1, RateSource.SCHEDULER, "e0", 0, AT));
            sink.accept(new EpochEnded("run-1", "worker-1", 0, 4, 2.1, 0.25, 6.5, 0.045, AT));
        }

        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1")))
                .extracting(Scalar::tag, Scalar::step, Scalar::value)
                .containsExactly(tuple("learning rate", 0L, 0.045), tuple("lr/schedule_version", 0L, 1.0));
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1/worker-0")))
                .extracting(Scalar::tag, Scalar::value)
                .containsExactly(tuple("lr/applied", 0.045));
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1/worker-1")))
                .extracting(Scalar::tag, Scalar::value)
                .containsExactly(tuple("lr/applied", 0.045), tuple("loss", 2.1), tuple("accuracy", 0.25),
                        tuple("throughput/images_per_sec", 6.5));
    }

    @Test
    void writesRedeliveredEventOnce() throws Exception {
        LearningRateChanged event = new LearningRateChanged("e0", "run-1", 2, 0.0423, 1, "", AT);
        try (TensorBoardSink sink = new TensorBoardSink(logDir, "host", 7)) {
            sink.accept(event);
            sink.accept(event);
        }

        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1")))
                .filteredOn(s -> s.tag().equals("learning rate")).hasSize(1);
    }

    @Test
    void keepsIdsToOnePathSegment() {
        assertThat(TensorBoardSink.safe("../etc/passwd")).isEqualTo(".._etc_passwd");
        assertThat(TensorBoardSink.safe("..")).isEqualTo("__");
        assertThat(TensorBoardSink.safe("run 1")).isEqualTo("run_1");
    }
}
