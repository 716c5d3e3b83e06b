package io.lrpipeline.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedBatchesTest {
    /** 20 one-pixel images whose label is their index, so a batch tells which images it holds. */
    private static LabeledImages numbered(int count) {
        byte[][] pixels = new byte[count][1];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            pixels[i][0] = (byte) i;
            labels[i] = i;
        }
        return new LabeledImages(1, 1, pixels, labels);
    }

    private static Set<Integer> labelsOf(List<Batch> batches) {
        Set<Integer> labels = new HashSet<>();
        batches.forEach(b -> java.util.Arrays.stream(b.labels()).forEach(labels::add));
        return labels;
    }

    @Test
    void workersTrainOnDisjointShards() {
        LabeledImages images = numbered(20);
        Set<Integer> first = labelsOf(new ShardedBatches(images, 0, 2, 10, 4, 75, 1, 7).epoch(0));
        Set<Integer> second = labelsOf(new ShardedBatches(images, 1, 2, 10, 4, 75, 1, 7).epoch(0));

        assertThat(first).hasSize(10).doesNotContainAnyElementsOf(second);
        assertThat(second).hasSize(10);
    }

    @Test
    void cutsAnEpochIntoBatchesOfTheRightShape() {
        List<Batch> batches = new ShardedBatches(numbered(20), 0, 1, 10, 4, 75, 3, 7).epoch(0);

        assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
        assertThat(batches.get(0).features()).hasSize(4 * 3 * 75 * 75);
    }

    @Test
    void resizesWithValuesScaledToUnitRange() {
        LabeledImages white = new LabeledImages(2, 2, new byte[][] {{(byte) 255, (byte) 255, (byte) 255, (byte) 255}}, new int[] {0});

        float[] features = ShardedBatches.all(white, 1, 75, 1).get(0).features();

        assertThat(features).containsOnly(1.0f);
    }

    @Test
    void idxFilesRoundTrip(@TempDir Path dir) throws Exception {
        LabeledImages images = numbered(5);
        IdxFiles.write(images, dir.resolve("i.gz"), dir.resolve("l.gz"));

        LabeledImages read = IdxFiles.read(dir.resolve("i.gz"), dir.resolve("l.gz"), 3);

        assertThat(read.labels()).containsExactly(0, 1, 2);
        assertThat(read.pixels()[2]).containsExactly(2);
    }

    @Test
    void epochsWalkThroughTheShard() {
        ShardedBatches batches = new ShardedBatches(numbered(12), 0, 1, 4, 4, 75, 1, 7);
        List<Integer> seen = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            seen.addAll(labelsOf(batches.epoch(epoch)));
        }

        assertThat(seen).doesNotHaveDuplicates().hasSize(12);
    }
}
