package io.lrpipeline.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataSplitTest {
    @ParameterizedTest(name = "{0} examples, fraction {1} -> {2} held out")
    @CsvSource({"60000, 0.0833333, 5000", "12, 0.0833333, 1", "10, 0.01, 1", "10, 0.0, 0", "2, 0.9, 1", "1000, 0.25, 250"})
    void holdsOutTheFractionAndNeverTrainsOnIt(int count, double fraction, int held) {
        DataSplit.HoldOut split = DataSplit.holdOut(count, fraction, 42);

        assertThat(split.validation()).hasSize(held);
        assertThat(split.train()).hasSize(count - held);
        assertThat(IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted().toArray())
                .isEqualTo(IntStream.range(0, count).toArray());
        assertThat(DataSplit.holdOut(count, fraction, 42).validation()).isEqualTo(split.validation());
    }

    @ParameterizedTest(name = "worker {0} of {1}")
    @CsvSource({"0, 3, '10 13 16 19'", "1, 3, '11 14 17'", "2, 3, '12 15 18'", "0, 1, '10 11 12 13 14 15 16 17 18 19'"})
    void workersShareTheTrainingExamplesWithoutOverlap(int worker, int workers, String expected) {
        int[] examples = IntStream.range(10, 20).toArray();

        assertThat(DataSplit.share(examples, worker, workers)).isEqualTo(Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray());
    }

    @Test
    void aFullPassEpochHoldsEveryExampleOnceInAnOrderOfItsOwn() {
        int[] share = IntStream.range(0, 100).toArray();

        int[] first = DataSplit.epochOrder(share, 0, 0, 7);
        int[] second = DataSplit.epochOrder(share, 1, 0, 7);

        assertThat(Arrays.stream(first).sorted().toArray()).isEqualTo(share);
        assertThat(Arrays.stream(second).sorted().toArray()).isEqualTo(share);
        assertThat(first).isNotEqualTo(second);
        assertThat(DataSplit.epochOrder(share, 1, 0, 7)).isEqualTo(second);
    }

    @Test
    void shortEpochsWalkThroughThePassesEndToEnd() {
        int[] share = IntStream.range(0, 10).toArray();

        // Epochs of 4 over passes of 10: epochs 0, 1 and half of 2 are pass 0; the rest of 2 starts pass 1.
        int[] stream = IntStream.range(0, 5).flatMap(e -> Arrays.stream(DataSplit.epochOrder(share, e, 4, 7))).toArray();

        assertThat(Arrays.copyOfRange(stream, 0, 10)).isEqualTo(DataSplit.epochOrder(share, 0, 0, 7));
        assertThat(Arrays.copyOfRange(stream, 10, 20)).isEqualTo(DataSplit.epochOrder(share, 1, 0, 7));
        assertThat(DataSplit.epochOrder(share, 3, 4, 7)).isEqualTo(Arrays.copyOfRange(stream, 12, 16));
    }

    @ParameterizedTest(name = "{1} of {0}")
    @CsvSource({"10, 0, '0 1 2 3 4 5 6 7 8 9'", "10, 5, '0 2 4 6 8'", "10, 3, '0 3 6'", "3, 5, '0 1 2'"})
    void aLimitedSplitKeepsPositionsSpreadOverAllOfIt(int count, int limit, String expected) {
        assertThat(DataSettings.spread(count, limit)).isEqualTo(Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray());
    }
}
