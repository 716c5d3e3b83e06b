package io.lrpipeline.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ReduceOnPlateau.Monitor;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchedulePlanTest {
    private static final ScheduleSpec PAPER = Presets.named(Presets.INCEPTION_V4);
    private static final TreeMap<Integer, EpochSummary> NOTHING_OBSERVED = new TreeMap<>();

    @Test
    void newScheduleTakesOverFromItsEpochAndKeepsEarlierEpochs() {
        SchedulePlan plan = SchedulePlan.of(PAPER).from(3, constant(0.01));

        assertThat(curve(plan, 6)).containsExactly(0.045, 0.045, 0.0423, 0.01, 0.01, 0.01);
    }

    @Test
    void laterChangeReplacesSegmentsFromItsEpochOn() {
        SchedulePlan plan = SchedulePlan.of(PAPER).from(4, constant(0.01)).from(2, constant(0.02));

        assertThat(curve(plan, 6)).containsExactly(0.045, 0.045, 0.02, 0.02, 0.02, 0.02);
    }

    @Test
    void pauseHoldsTheRateUntilResumed() {
        SchedulePlan plan = SchedulePlan.of(PAPER).pausedAt(2, 0.045).resumedAt(5);

        assertThat(curve(plan, 7)).containsExactly(0.045, 0.045, 0.045, 0.045, 0.045, 0.039762, 0.03737628);
        assertThat(plan.paused()).isFalse();
        assertThat(SchedulePlan.of(PAPER).pausedAt(2, 0.045).paused()).isTrue();
    }

    @Test
    void newScheduleEndsAPause() {
        SchedulePlan plan = SchedulePlan.of(PAPER).pausedAt(1, 0.045).from(3, constant(0.01));

        assertThat(curve(plan, 5)).containsExactly(0.045, 0.045, 0.045, 0.01, 0.01);
        assertThat(plan.paused()).isFalse();
    }

    @Test
    void plateauSegmentReadsOnlyTheEpochsSinceItTookOver() {
        ScheduleSpec plateau = new ScheduleSpec(ScheduleSpec.REDUCE_ON_PLATEAU,
                Map.of("initial", 0.1, "factor", 0.5, "patience", 1.0), "loss", null);
        SchedulePlan plan = SchedulePlan.of(PAPER).from(2, plateau);
        TreeMap<Integer, EpochSummary> observed = new TreeMap<>(Map.of(
                0, lossOnly(9.0), 1, lossOnly(1.0),   // before the plateau: ignored
                2, lossOnly(2.0), 3, lossOnly(2.0)));  // flat once: patience 1 → halved

        assertThat(plan.rateAt(2, 1, observed)).isEqualTo(0.1);
        assertThat(plan.rateAt(3, 1, observed)).isEqualTo(0.1);
        assertThat(plan.rateAt(4, 1, observed)).isEqualTo(0.05);
    }

    @Test
    void forgettingTheEpochsBeforeOneKeepsEveryRateFromItOnInAtMostOneExtraSegment() {
        ScheduleSpec plateau = new ScheduleSpec(ScheduleSpec.REDUCE_ON_PLATEAU,
                Map.of("initial", 0.1, "factor", 0.5, "patience", 1.0), "loss", null);
        SchedulePlan plan = SchedulePlan.of(PAPER).from(2, constant(0.02)).from(4, plateau).from(9, constant(0.01))
                .pausedAt(1, 0.045).resumedAt(3);
        TreeMap<Integer, EpochSummary> observed = new TreeMap<>();
        IntStream.range(0, 12).forEach(epoch -> observed.put(epoch, lossOnly(epoch < 6 ? 1.0 : 2.0)));

        for (int epoch : new int[] {0, 3, 4, 6, 9, 11}) {
            SchedulePlan forgot = plan.forgetBefore(epoch);
            for (int later = epoch; later < 14; later++) {
                assertThat(forgot.rateAt(later, 1, observed)).as("epoch %d after forgetting before %d", later, epoch)
                        .isEqualTo(plan.rateAt(later, 1, observed));
            }
        }
        assertThat(plan.forgetBefore(6).segments()).extracting(SchedulePlan.Segment::fromEpoch).containsExactly(0, 4, 9);
        assertThat(plan.forgetBefore(6).hold()).isNull();
        assertThat(plan.forgetBefore(1)).isSameAs(plan);
    }

    @Test
    void epochSummaryAveragesTheWorkersThatReported() {
        EpochSummary summary = EpochSummary.NONE.with(2.0, new Evaluation(1.2, 0.5, null, 10))
                .with(1.0, new Evaluation(0.8, 0.7, null, 10)).with(3.0, null);

        assertThat(summary.loss()).isEqualTo(new EpochSummary.Mean(2.0, 3));
        assertThat(summary.validationLoss()).isEqualTo(new EpochSummary.Mean(1.0, 2));
        assertThat(summary.validationAccuracy().value()).isCloseTo(0.6, within(1e-15));
        assertThat(summary.value(Monitor.VALIDATION_ACCURACY)).isCloseTo(0.6, within(1e-15));
        assertThat(EpochSummary.NONE.with(2.0, null).value(Monitor.VALIDATION_LOSS)).isNaN();
    }

    private static EpochSummary lossOnly(double loss) {
        return EpochSummary.NONE.with(loss, null);
    }

    private static ScheduleSpec constant(double rate) {
        return new ScheduleSpec(ScheduleSpec.CONSTANT, Map.of("rate", rate));
    }

    private static double[] curve(SchedulePlan plan, int epochs) {
        return IntStream.range(0, epochs).mapToDouble(e -> Math.round(plan.rateAt(e, 1, NOTHING_OBSERVED) * 1e12) / 1e12).toArray();
    }
}
