package io.lrpipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get())
                    .containsAll(Topics.ALL.stream().map(Topics.TopicSpec::name).toList());

            ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, Topics.STATE);
            Config config = admin.describeConfigs(List.of(state)).all().get().get(state);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void deliversWhatIsProduced() throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new StringSerializer());
                var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
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
                var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers()),
                        new StringSerializer(), new StringSerializer());
                var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers()),
                        new StringDeserializer(), new StringDeserializer())) {
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
