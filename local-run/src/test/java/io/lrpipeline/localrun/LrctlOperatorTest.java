package io.lrpipeline.localrun;

import static io.lrpipeline.broker.LocalKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import io.lrpipeline.lrctl.LrCtl;
import io.lrpipeline.trainer.data.BandedImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lrctl}'s run commands against a real broker and a real scheduler (the local run's, with {@code --workers 0}),
 * over Kafka and over the REST API, their output as printed: a run's list, its details, every kind of change with
 * its exit status (0 accepted, 3 rejected, 2 a usage or connection error), a preview as a table, and {@code watch}
 * following a worker (played by the test on {@code training.metrics}, as a trainer writes it) until it finishes.
 */
class LrctlOperatorTest {
    private static final String RUN = "ops-run";
    private static final String WORKER = "w-0";
    private static final int EPOCHS = 6;

    private record Result(int exitCode, String out, String err) {}

    private Throwable failure;

    @Test
    void anOperatorReadsChangesAndWatchesARunOverKafkaAndOverTheRestApi(@TempDir Path work) throws Exception {
        Path data = BandedImages.fashionMnistShaped(work.resolve("data"));
        int httpPort = freePort();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("--workers", "0", "--http-port", String.valueOf(httpPort), "--data-dir", data.toString(),
                "--logdir", work.resolve("runs").toString(), "--home", "..", "--quiet"));
        arguments.addAll(securityArguments());
        int exitCode = new CommandLine(new LocalPipeline(new PrintStream(console, true, StandardCharsets.UTF_8), (broker, ignored) -> {
            try {
                operate(broker, "http://127.0.0.1:" + httpPort, console.toString(StandardCharsets.UTF_8), work);
            } catch (Throwable e) {
                failure = e;
            }
        })).execute(arguments.toArray(String[]::new));

        if (failure != null) {
            throw new AssertionError(failure);
        }
        assertThat(exitCode).as(console.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** What the run's command line adds for its broker's security: nothing here. */
    List<String> securityArguments() {
        return List.of();
    }

    /** How lrctl reaches the broker, as the operator. */
    List<String> kafkaAccess(LocalKafkaBroker broker) {
        return List.of("--bootstrap-servers", broker.bootstrapServers());
    }

    /** How lrctl reaches the REST API, as the operator; {@code console} is what the run printed. */
    List<String> restAccess(String url, String console, Path work) throws Exception {
        return List.of("--url", url);
    }

    private void operate(LocalKafkaBroker broker, String url, String console, Path work) throws Exception {
        KafkaSettings trainer = broker.settings(Principal.TRAINER);
        List<String> kafka = kafkaAccess(broker);
        List<String> rest = restAccess(url, console, work);
        metric(trainer, new TrainingMetric.WorkerJoined(RUN, WORKER, 1, EPOCHS, 0, 0, Map.of(), Instant.now()));
        await().atMost(Duration.ofSeconds(60)).until(() -> lrctl("runs", kafka).out().contains(" 0/" + EPOCHS + " "));

        Result runs = lrctl("runs", kafka);
        assertThat(runs.out().lines().toList()).containsExactly(
                "RUN                       VERSION     EPOCH  PAUSED",
                "ops-run                         1       0/6      no");
        assertThat(lrctl("runs", rest).out()).isEqualTo(runs.out());

        Result override = lrctl("override", RUN, "0.01", "--from-epoch", "2", "--by", "alice", "--why", "loss spikes", kafka);
        assertThat(override).isEqualTo(new Result(0, "override accepted as version 2: applies from epoch 2\n", ""));
        Result tooHigh = lrctl("override", RUN, "5", kafka);
        assertThat(tooHigh.exitCode()).isEqualTo(3);
        assertThat(tooHigh.out()).startsWith("rejected: ").contains("5.0").hasLineCount(1);
        assertThat(lrctl("pause", RUN, rest).out()).startsWith("pause accepted as version 3");
        Result resumeTwice = lrctl("resume", RUN, rest);
        assertThat(resumeTwice.exitCode()).isZero();
        assertThat(lrctl("resume", RUN, rest).exitCode()).isEqualTo(3);
        assertThat(lrctl("undo", RUN, kafka).out()).startsWith("undo accepted as version 5");
        assertThat(lrctl("set", RUN, "cosine-warmup", "--from-epoch", "3", kafka).out()).startsWith("set-schedule accepted as version 6");

        Result preview = lrctl("preview", RUN, "--rate", "0.02", "--epochs", "4", rest);
        assertThat(preview.exitCode()).isZero();
        assertThat(preview.out().lines().toList()).hasSize(6).element(1).isEqualTo("EPOCH  NOW        PREVIEW   ");
        assertThat(preview.out().lines().skip(2).map(String::strip).toList()).containsExactly(
                // The undo took back the resume: held at epoch 0's rate from epoch 1 until the cosine from epoch 3.
                "0      0.01125    0.01125", "1      0.01125    0.02", "2      0.01125    0.02", "3      0.0449233  0.02");

        Result badSchedule = lrctl("set", RUN, "{\"kind\": ", kafka);
        assertThat(badSchedule.exitCode()).isEqualTo(2);
        assertThat(badSchedule.err()).startsWith("lrctl set: '{\"kind\": ' is neither a preset (").hasLineCount(1);
        assertThat(lrctl("show", "no-such-run", kafka))
                .isEqualTo(new Result(2, "", "lrctl show: no run 'no-such-run' (lrctl runs lists them)\n"));
        String dead = "http://127.0.0.1:" + freePort();
        Result noScheduler = lrctl("runs", "--url", dead);
        assertThat(noScheduler.exitCode()).isEqualTo(2);
        assertThat(noScheduler.err()).startsWith("lrctl runs: no scheduler answered at " + dead).hasLineCount(1);

        // A worker trains epoch 0 at the issued rate, ends it, and leaves; watch (over Kafka) follows it to the end.
        CompletableFuture<Result> watching = CompletableFuture.supplyAsync(() -> lrctl("watch", RUN, "--interval", "200", kafka));
        RunState.IssuedRate first = firstIssued(trainer);
        metric(trainer, new TrainingMetric.EpochStarted(RUN, WORKER, 0, first.rate(), first.scheduleVersion(), RateSource.SCHEDULER,
                first.eventId(), 0, Instant.now()));
        metric(trainer, new TrainingMetric.EpochEnded(RUN, WORKER, 0, 4, 0.5, new Evaluation(0.4, 0.8125, null, 16), 100, first.rate(), Instant.now()));
        metric(trainer, new TrainingMetric.WorkerFinished(RUN, WORKER, EPOCHS, null, Instant.now()));
        Result watched = watching.get(90, TimeUnit.SECONDS);

        assertThat(watched.exitCode()).as(watched.err()).isZero();
        assertThat(watched.out()).startsWith("w-0 joined\nepoch 0: rate 0.01125 (schedule version 1, ")
                .contains("  w-0 applied 0.01125 at epoch 0\n", "  w-0 ended epoch 0: loss 0.5, validation accuracy 0.8125\n")
                .endsWith("w-0 finished\nrun ops-run finished\n");

        Result show = lrctl("show", RUN, kafka);
        assertThat(show.out()).startsWith("run ops-run: 6 epochs, 1 workers, schedule version 6\n")
                .contains("  from epoch 3: cosine {", "  w-0              finished  last epoch ended   0, last seen ",
                        "last changes:\n", " override by alice: ", "(loss spikes)")
                .containsPattern("\\n0      0\\.01125    0\\.01125    0\\.01125\\s*\\n");
        Result shownByRest = lrctl("show", RUN, rest);
        assertThat(shownByRest.out()).containsPattern("\\n0      0\\.01125    0\\.01125    0\\.01125\\s*\\n");
        Result watchedByRest = lrctl("watch", RUN, rest);
        assertThat(watchedByRest.out()).contains("  epoch 0 ended (mean of 1 workers): loss 0.5, validation accuracy 0.8125\n")
                .endsWith("w-0 finished\nrun ops-run finished\n");
    }

    /** The event the scheduler issued for epoch 0, as a trainer reads it from {@code lr.state}. */
    private static RunState.IssuedRate firstIssued(KafkaSettings trainer) {
        RunState newest = null;
        for (ConsumerRecord<String, String> record : TopicPartitions.readAll(trainer, List.of(Topics.STATE), Duration.ofSeconds(30))) {
            if (RUN.equals(record.key())) {
                newest = EventJson.read(record.value(), RunState.class, EventJson.MAX_STATE_CHARS);
            }
        }
        return newest.issued().get(0);
    }

    private static void metric(KafkaSettings trainer, TrainingMetric metric) throws Exception {
        try (KafkaProducer<String, String> producer = trainer.producer(Map.of())) {
            producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric))).get();
        }
    }

    /** lrctl with {@code arguments}, then {@code plane}: how it reaches Kafka or the REST API. */
    private static Result lrctl(String command, Object... arguments) {
        List<String> all = new ArrayList<>(List.of(command));
        for (Object argument : arguments) {
            if (argument instanceof List<?> plane) {
                plane.forEach(word -> all.add(word.toString()));
            } else {
                all.add(argument.toString());
            }
        }
        return run(all.toArray(String[]::new));
    }

    private static Result run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LrCtl.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(arguments);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
