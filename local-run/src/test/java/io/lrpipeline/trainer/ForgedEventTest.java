package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.broker.BrokerSecurity;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forged-event attack on a secured broker: a real trainer's rate feed, logged in as the trainer, waits for its
 * run's events; a trainer's, an operator's, a wrong password's and no credentials try to publish a rate for the next
 * epoch with a higher schedule version (one a trainer would apply). The broker refuses each, and the feed only ever
 * holds what the scheduler's principal published.
 */
class ForgedEventTest {
    private static final String RUN = "run-guarded";
    private static final Instant AT = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    static Path dir;

    static BrokerSecurity security;
    static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        security = BrokerSecurity.generate(dir.resolve("security"));
        broker = LocalKafkaBroker.startSecured(dir.resolve("data"), security);
        broker.createContractTopics();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void noForgedEventReachesATrainerOnlyTheSchedulersDo() throws Exception {
        LearningRateBoard board = new LearningRateBoard(RUN, Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(broker.settings(Principal.TRAINER), RUN, board);
        feed.start();
        try {
            publish(broker.settings(Principal.SCHEDULER), new LearningRateChanged("scheduled-0", RUN, 0, 0.03, 1, "", AT));
            assertThat(board.await(0, Duration.ofSeconds(30))).isEqualTo(new RateDecision(0.03, 1, RateSource.SCHEDULER, "scheduled-0"));

            LearningRateChanged forged = new LearningRateChanged("forged-1", RUN, 1, 5.0, 99, "", AT);
            for (Principal forger : List.of(Principal.TRAINER, Principal.OPERATOR)) {
                assertThat(refusal(broker.settings(forger), forged)).as(forger.userName()).isInstanceOf(AuthorizationException.class);
            }
            KafkaSettings wrongPassword = new KafkaSettings(broker.bootstrapServers(),
                    security.clientProperties(Principal.SCHEDULER.userName(), "guessed"));
            assertThat(refusal(wrongPassword, forged)).isInstanceOf(SaslAuthenticationException.class);
            assertThat(refusal(KafkaSettings.plain(broker.bootstrapServers()), forged)).isInstanceOf(TimeoutException.class);

            // Epoch 1 comes from nowhere but the trainer's own fallback: the preset's rate (inception-v4: 0.045), not 5.0.
            RateDecision epochOne = board.await(1, Duration.ofSeconds(3));
            assertThat(epochOne.source()).isEqualTo(RateSource.FALLBACK);
            assertThat(epochOne.learningRate()).isEqualTo(0.045);
        } finally {
            feed.shutdown();
        }
        List<ConsumerRecord<String, String>> published = TopicPartitions.readAll(broker.settings(Principal.ADMIN),
                List.of(Topics.LR_EVENTS), Duration.ofSeconds(30));
        assertThat(published).extracting(record -> EventJson.read(record.value(), LearningRateChanged.class).eventId())
                .containsExactly("scheduled-0");
    }

    private static void publish(KafkaSettings kafka, LearningRateChanged event) throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000))) {
            producer.send(new ProducerRecord<>(Topics.LR_EVENTS, event.runId(), EventJson.write(event))).get();
        }
    }

    private static Throwable refusal(KafkaSettings kafka, LearningRateChanged event) {
        try {
            publish(kafka, event);
            throw new AssertionError("lr.events took a forged event from " + kafka);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }
}
