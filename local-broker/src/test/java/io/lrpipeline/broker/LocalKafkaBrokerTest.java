package io.lrpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {
    @TempDir
    static Path dataDir;

    static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.start(dataDir);
        broker.createContractTopics();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
        broker.close();
    }

    @Test
    void createsEveryContractTopicWithItsConfig() throws Exception {
        try (Admin admin = KafkaSettings.plain(broker.bootstrapServers()).admin()) {
            assertThat(admin.listTopics().names().get())
                    .containsAll(Topics.ALL.stream().map(Topics.TopicSpec::name).toList());

            ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, Topics.STATE);
            Config config = admin.describeConfigs(List.of(state)).all().get().get(state);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void deliversWhatIsProduced() throws Exception {
        KafkaSettings kafka = KafkaSettings.plain(broker.bootstrapServers());
        try (var producer = kafka.producer(Map.of());
                var consumer = kafka.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            var sent = producer.send(new ProducerRecord<>(Topics.COMMANDS, "run-a", "hello")).get();
            TopicPartition partition = new TopicPartition(Topics.COMMANDS, sent.partition());
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));

            ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(10));

            assertThat(records.records(partition)).extracting(r -> r.key() + "=" + r.value()).containsExactly("run-a=hello");
        }
    }

    /** Its own broker: a restart on the same ports and log directory keeps what was written, and clients go on. */
    @Test
    void aRestartedBrokerStillHoldsWhatItHadAndTheClientsGoOn(@TempDir Path ownDir) throws Exception {
        try (LocalKafkaBroker restarted = LocalKafkaBroker.start(ownDir);
                var producer = KafkaSettings.plain(restarted.bootstrapServers()).producer(Map.of());
                var consumer = KafkaSettings.plain(restarted.bootstrapServers()).consumer(Map.of())) {
            restarted.createContractTopics();
            var before = producer.send(new ProducerRecord<>(Topics.COMMANDS, "run-r", "before")).get();

            restarted.restart();
            producer.send(new ProducerRecord<>(Topics.COMMANDS, "run-r", "after")).get();

            TopicPartition partition = new TopicPartition(Topics.COMMANDS, before.partition());
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new java.util.ArrayList<>();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); values.size() < 2 && System.nanoTime() < deadline; ) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            assertThat(values).containsExactly("before", "after");
        }
    }
}
