package io.lrpipeline.localrun;

import static io.lrpipeline.broker.LocalKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.trainer.data.IdxFiles;
import io.lrpipeline.trainer.data.LabeledImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run as a user starts it, in its own JVM, its console read as printed: the addresses come first (also with
 * {@code --quiet}), {@code --workers 0} and {@code --keep-running} keep the services up and reachable until the
 * process is told to stop (SIGTERM, as Ctrl-C does), and then every process it started is gone.
 */
class LocalRunCliTest {
    private static final String RUN = "cli-run";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path work;

    @BeforeAll
    static void data() throws IOException {
        Path data = work.resolve("data");
        Files.createDirectories(data);
        int[] labels = new int[16];
        Arrays.setAll(labels, i -> i % 10);
        LabeledImages images = new LabeledImages(28, 28, new byte[16][28 * 28], labels);
        IdxFiles.write(images, data.resolve("train-images-idx3-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"));
        IdxFiles.write(images, data.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    @Test
    void servicesOnlyPrintTheAddressesFirstAndStayUpUntilStopped() throws Exception {
        int httpPort = freePort();
        int kafkaPort = freePort();
        LocalRun run = LocalRun.start("--workers", "0", "--http-port", String.valueOf(httpPort), "--kafka-port", String.valueOf(kafkaPort));
        try {
            run.awaitLine("services only (--workers 0)");

            assertThat(run.lines().subList(0, 7)).satisfiesExactly(
                    line -> assertThat(line).startsWith("lr-pipeline: run " + RUN + ", 0 workers"),
                    line -> assertThat(line).isEqualTo("  page:        http://127.0.0.1:" + httpPort + "/"),
                    line -> assertThat(line).isEqualTo("  Swagger UI:  http://127.0.0.1:" + httpPort + "/q/swagger-ui"),
                    line -> assertThat(line).isEqualTo("  REST API:    http://127.0.0.1:" + httpPort + "/api/runs/" + RUN + "/commands"),
                    line -> assertThat(line).isEqualTo("  Kafka:       127.0.0.1:" + kafkaPort + " (commands on lr.commands, keyed by run id)"),
                    line -> assertThat(line).isEqualTo("  security:    none: Kafka on PLAINTEXT without authentication, the page and API "
                            + "open to anyone on this machine (--secure for SASL_SSL, ACLs and HTTP users)"),
                    line -> assertThat(line).isEqualTo("  TensorBoard: tensorboard --logdir " + work.resolve("runs")));
            assertThat(get("http://127.0.0.1:" + httpPort + "/").body()).contains("<html");
            assertThat(get("http://127.0.0.1:" + httpPort + "/q/swagger-ui/").statusCode()).isEqualTo(200);
            assertThat(run.process.isAlive()).isTrue();
        } finally {
            run.stop();
        }
    }

    /** Two schedulers share the runs: both ready, owning different partitions, together all of them. */
    @Test
    void twoSchedulersSplitThePartitionsBetweenThem() throws Exception {
        int httpPort = freePort();
        LocalRun run = LocalRun.start("--workers", "0", "--schedulers", "2", "--http-port", String.valueOf(httpPort));
        try {
            run.awaitLine("services only (--workers 0)");
            String pages = run.lines().stream().filter(l -> l.startsWith("scheduler: consuming")).findFirst().orElseThrow();
            Matcher second = Pattern.compile("and at \\[http://127\\.0\\.0\\.1:(\\d+)/\\] \\(2 instances sharing the runs\\)").matcher(pages);
            assertThat(second.find()).as(pages).isTrue();
            List<Integer> ports = List.of(httpPort, Integer.parseInt(second.group(1)));
            List<String> owned = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                owned.clear();
                for (int port : ports) {
                    JsonNode loop = StreamSupport.stream(JSON.readTree(get("http://127.0.0.1:" + port + "/q/health/ready").body())
                            .get("checks").spliterator(), false).filter(c -> c.get("name").asText().equals("decision-loop")).findFirst().orElseThrow();
                    assertThat(loop.get("status").asText()).isEqualTo("UP");
                    owned.add(loop.get("data").get("ownedPartitions").asText());
                }
                assertThat(owned).containsExactlyInAnyOrder("[0, 1]", "[2]");
            });
        } finally {
            run.stop();
        }
    }

    @Test
    void keepRunningServesTheRunAfterTrainingUntilStopped() throws Exception {
        int httpPort = freePort();
        LocalRun run = LocalRun.start("--workers", "1", "--epochs", "1", "--samples-per-epoch", "8", "--batch-size", "8",
                "--width", "0.0625", "--validation-samples", "8", "--test-samples", "8", "--http-port", String.valueOf(httpPort), "--keep-running");
        try {
            run.awaitLine("--keep-running: the broker, scheduler");

            assertThat(run.lines().get(1)).isEqualTo("  page:        http://127.0.0.1:" + httpPort + "/");
            assertThat(run.lines()).anyMatch(line -> line.startsWith("[trainer] worker-0 | epoch 1/1 done"))
                    .anyMatch(line -> line.equals("  tensorboard --logdir " + work.resolve("runs")));
            HttpResponse<String> state = get("http://127.0.0.1:" + httpPort + "/api/runs/" + RUN);
            assertThat(state.statusCode()).isEqualTo(200);
            assertThat(state.body()).contains("\"runId\":\"" + RUN + "\"");
        } finally {
            run.stop();
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code LocalPipeline} in a JVM of its own with {@code --quiet}, its console collected line by line. */
    private record LocalRun(Process process, List<String> output) {
        static LocalRun start(String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LocalPipeline.class.getName(),
                    "--run-id", RUN, "--data-dir", work.resolve("data").toString(), "--logdir", work.resolve("runs").toString(),
                    "--checkpoint-dir", work.resolve("checkpoints").toString(), "--save-dir", work.resolve("models").toString(), "--home", "..", "--quiet"));
            command.addAll(List.of(options));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            LocalRun run = new LocalRun(process, Collections.synchronizedList(new ArrayList<>()));
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    lines.lines().forEach(run.output::add);
                } catch (IOException e) {
                    // the process is gone
                }
            }, "local-run-output");
            reader.setDaemon(true);
            reader.start();
            return run;
        }

        List<String> lines() {
            synchronized (output) {
                return List.copyOf(output);
            }
        }

        void awaitLine(String part) {
            await().atMost(Duration.ofMinutes(4)).until(() -> !process.isAlive() || lines().stream().anyMatch(l -> l.contains(part)));
            assertThat(lines()).as("the local run's console").anyMatch(l -> l.contains(part));
        }

        /** SIGTERM, as Ctrl-C: the run stops everything it started and exits. */
        void stop() throws InterruptedException {
            List<ProcessHandle> started = process.descendants().toList();
            process.toHandle().destroy(); // not Process.destroy(), which also closes the output still to be read
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(lines()).as("the local run's console")
                    .last().isEqualTo("lr-pipeline: stopped; every process it started is shut down."));
        }
    }
}
