package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.trainer.data.DrawnImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Data a trainer cannot train on (or not with its replicas): one line saying why, exit 2, before anything connects to Kafka. */
class DataErrorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty class folder | class folder {dir}/mid holds no JPEG or PNG images",
        "unreadable image   | {dir}/light/3.jpg is not a readable JPEG or PNG image",
        "one class          | {dir} has only one class (dark); a classifier needs at least two",
        "mixed sizes        | images of mixed sizes: {dir}/dark/0.png is 32×32, {dir}/dark/1.jpg is 48×32",
        "no class folders   | {dir} has no class sub-folders",
        "missing folder     | image folder {dir}/nowhere does not exist",
        "missing IDX files  | IDX file {dir}/train-images-idx3-ubyte.gz is missing",
    })
    void badDataGetsOneClearLineAndExitCode2(String problem, String expected) throws Exception {
        String format = "folders";
        Path data = dir;
        switch (problem) {
            case "empty class folder" -> {
                DrawnImages.tree(dir, 2, 32, true);
                try (var files = Files.list(dir.resolve("mid"))) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
            }
            case "unreadable image" -> {
                DrawnImages.tree(dir, 4, 32, true);
                Files.writeString(dir.resolve("light/3.jpg"), "not an image");
            }
            case "one class" -> DrawnImages.image(Files.createDirectories(dir.resolve("dark")).resolve("0.png"), 32, 32, 30, true);
            case "mixed sizes" -> {
                DrawnImages.tree(dir, 2, 32, true);
                DrawnImages.image(dir.resolve("dark/1.jpg"), 48, 32, 30, true);
            }
            case "no class folders" -> Files.writeString(dir.resolve("readme.txt"), "images go in class folders");
            case "missing folder" -> data = dir.resolve("nowhere");
            case "missing IDX files" -> format = "idx";
            default -> throw new IllegalArgumentException(problem);
        }
        assertOneLineAndExitCode2(expected.replace("{dir}", dir.toString()), "--data-format", format, "--data-dir", data.toString());
    }

    @Test
    void fewerBatchesThanReplicasGetOneClearLineAndExitCode2() throws Exception {
        DrawnImages.tree(dir, 4, 32, true);

        assertOneLineAndExitCode2("fewer than the 8 replicas of --workers-per-process", "--data-format", "folders", "--data-dir", dir.toString(),
                "--workers-per-process", "8");
    }

    @Test
    void sparkTrainsTheWholeSplitOverItsTasksSoItTakesNoShardOrThreadsAndNeedsABatchPerTask() throws Exception {
        DrawnImages.tree(dir, 4, 32, true);

        assertOneLineAndExitCode2("it takes neither --workers-per-process nor --worker-index", "--data-format", "folders", "--data-dir",
                dir.toString(), "--spark-master", "local[2]", "--workers-per-process", "2");
        assertOneLineAndExitCode2("it takes neither --workers-per-process nor --worker-index", "--data-format", "folders", "--data-dir",
                dir.toString(), "--spark-master", "local[2]", "--worker-index", "0");
        assertOneLineAndExitCode2("fewer than the 8 replicas of --workers with --spark-master", "--data-format", "folders", "--data-dir",
                dir.toString(), "--spark-master", "local[8]", "--workers", "8");
    }

    @Test
    void evaluateTellsAMissingOrUnreadableModelInOneLine() throws Exception {
        assertOneLineAndExitCode2("trainer evaluate: no model file " + dir.resolve("none.zip"), false, "evaluate", "--model",
                dir.resolve("none.zip").toString());
        Files.writeString(dir.resolve("text.zip"), "not a model");
        assertOneLineAndExitCode2("trainer evaluate: " + dir.resolve("text.zip") + " is not a model DL4J can read", false, "evaluate",
                "--model", dir.resolve("text.zip").toString());
    }

    private static void assertOneLineAndExitCode2(String expected, String... options) {
        assertOneLineAndExitCode2(expected, true, options);
    }

    private static void assertOneLineAndExitCode2(String expected, boolean training, String... options) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] arguments = Stream.concat(Arrays.stream(options), training ? Stream.of("--bootstrap-servers", "127.0.0.1:9") : Stream.of())
                    .toArray(String[]::new);
            exit = new CommandLine(new TrainerMain()).execute(arguments);
        } finally {
            System.setErr(original);
        }

        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(2);
        assertThat(printed.lines()).hasSize(1);
        assertThat(printed).startsWith("trainer").contains(expected).doesNotContain("Exception");
    }
}
