package io.lrpipeline.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Image trees the test draws: each class a flat shade, so every image's pixels tell its class whatever the crop and flip. */
class FolderImageDataTest {
    @TempDir
    Path dir;

    private static DataSettings settings(int worker, int workers) {
        return new DataSettings(worker, workers, 75, 4, 0.2, 0.2, 0, 0, 0, 42, 42 + worker);
    }

    @Test
    void aTreeOfClassFoldersIsSplitAndStreamedWithItsLabels() throws Exception {
        DrawnImages.tree(dir, 10, 40, true);

        FolderImageData data = FolderImageData.open(dir, settings(0, 1));

        assertThat(data.classes()).isEqualTo(3);
        assertThat(data.channels()).isEqualTo(3);
        // 30 images: 6 held out for test, then 5 of the remaining 24 for validation, 19 to train on.
        assertThat(data.imagesInEpoch(0)).isEqualTo(19);
        assertThat(count(data.validation().orElseThrow())).isEqualTo(5);
        assertThat(count(data.test().orElseThrow())).isEqualTo(6);
        int seen = 0;
        for (DataSetIterator epoch = data.trainEpoch(0); epoch.hasNext(); ) {
            DataSet batch = epoch.next();
            assertThat(batch.getFeatures().shape()).containsExactly(batch.numExamples(), 3, 75, 75);
            for (int i = 0; i < batch.numExamples(); i++) {
                int label = batch.getLabels().getRow(i).argMax().getInt(0);
                assertThat(batch.getFeatures().slice(i).meanNumber().doubleValue()).as(DrawnImages.CLASSES[label])
                        .isCloseTo(DrawnImages.SHADES[label] / 255.0, within(0.03));
            }
            seen += batch.numExamples();
        }
        assertThat(seen).isEqualTo(19);
        assertThat(data.describe()).contains("3 classes, RGB, 40×40; 19 training images");
    }

    @Test
    void subTreesGiveTrainValidationAndTestAndWorkersShareTheTraining() throws Exception {
        DrawnImages.tree(dir.resolve("train"), 8, 32, false);
        DrawnImages.tree(dir.resolve("val"), 2, 32, false);
        DrawnImages.tree(dir.resolve("test"), 3, 32, false);

        FolderImageData first = FolderImageData.open(dir, settings(0, 2));
        FolderImageData second = FolderImageData.open(dir, settings(1, 2));

        assertThat(first.channels()).isEqualTo(1);
        assertThat(first.imagesInEpoch(0) + second.imagesInEpoch(0)).isEqualTo(24);
        assertThat(count(first.validation().orElseThrow())).isEqualTo(6);
        assertThat(count(first.test().orElseThrow())).isEqualTo(9);
    }

    private static int count(DataSetIterator split) {
        int images = 0;
        while (split.hasNext()) {
            images += split.next().numExamples();
        }
        return images;
    }
}
