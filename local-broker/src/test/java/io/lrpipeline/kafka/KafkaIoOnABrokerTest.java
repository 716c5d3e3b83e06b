package io.lrpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.broker.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kafka-io module against a real broker: topics waited for, committed reads, the consumer runner, settings that reach the clients. */
class KafkaIoOnABrokerTest {
    @TempDir
    static Path dataDir;

    static LocalKafkaBroker broker;
    static KafkaSettings kafka;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.start(dataDir);
        kafka = KafkaSettings.plain(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static String createTopic(int partitions) throws Exception {
        String topic = "io-" + UUID.randomUUID();
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    @Test
    void aTopicMadeLaterIsWaitedFor_andTheWaitIsToldOnce() throws Exception {
        String topic = "io-later-" + UUID.randomUUID();
        List<String> waitedFor = Collections.synchronizedList(new ArrayList<>());
        Thread creator = new Thread(() -> {
            try {
                Thread.sleep(1_500);
                try (var admin = kafka.admin()) {
                    admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        creator.start();
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            assertThat(TopicPartitions.of(consumer, List.of(topic), Duration.ofSeconds(30), waitedFor::add)).hasSize(2);
        }
        creator.join();
        assertThat(waitedFor).containsExactly(topic);
    }

    @Test
    void aTopicThatNeverComesIsNamedInTheError() {
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            assertThatThrownBy(() -> TopicPartitions.of(consumer, List.of("io-never"), Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("topic io-never does not exist (waited 2 s)");
        }
    }

    @Test
    void readAllSeesEveryPartitionToTheEnd_committedRecordsOnly() throws Exception {
        String topic = createTopic(3);
        try (KafkaProducer<String, String> plain = kafka.producer(Map.of());
                KafkaProducer<String, String> transactional = kafka.producer(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "io-test-" + UUID.randomUUID()))) {
            for (int i = 0; i < 30; i++) {
                plain.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
            transactional.initTransactions();
            transactional.beginTransaction();
            transactional.send(new ProducerRecord<>(topic, "aborted", "never seen")).get();
            transactional.abortTransaction();
        }

        List<ConsumerRecord<String, String>> records = TopicPartitions.readAll(kafka, List.of(topic), Duration.ofSeconds(30));

        assertThat(records).hasSize(30).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        assertThat(records).extracting(ConsumerRecord::value).doesNotContain("never seen");
    }

    @Test
    void theRunnerHandsEveryRecordOver_andCloseStopsItsThread() throws Exception {
        String topic = createTopic(1);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ConsumerRunner runner = ConsumerRunner.start("io-runner", kafka.committedReader(),
                consumer -> consumer.seekToBeginning(TopicPartitions.assignAll(consumer, List.of(topic), Duration.ofSeconds(30))),
                record -> seen.add(record.value()));
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "one")).get();
            producer.send(new ProducerRecord<>(topic, "k", "two")).get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(seen).containsExactly("one", "two");
        assertThat(runner.isRunning()).isTrue();

        runner.close();
        runner.close();

        assertThat(runner.isRunning()).isFalse();
    }

    @Test
    void aFailingHandlerEndsTheRunner() throws Exception {
        String topic = createTopic(1);
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "poison")).get();
        }
        ConsumerRunner runner = ConsumerRunner.start("io-failing", kafka.committedReader(),
                consumer -> consumer.seekToBeginning(TopicPartitions.assignAll(consumer, List.of(topic), Duration.ofSeconds(30))),
                record -> {
                    throw new IllegalStateException("cannot handle " + record.value());
                });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (runner.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(runner.isRunning()).isFalse();
        runner.close();
    }

    /** SASL without a login module: a client that took the file's properties cannot even be built, of any kind. */
    @Test
    void aConfigFileReachesEveryKindOfClient(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n");
        KafkaSettings secured = KafkaSettings.load(broker.bootstrapServers(), Optional.of(file), Map.of());

        assertThatThrownBy(secured::committedReader).isInstanceOf(KafkaException.class).rootCause().hasMessageContaining("JAAS");
        assertThatThrownBy(() -> secured.producer(Map.of())).isInstanceOf(KafkaException.class);
        assertThatThrownBy(secured::admin).isInstanceOf(KafkaException.class);
    }
}
